"""Resident ID and phone checks, keyed hashes, masks and sealed phones (DESIGN §6)."""

import base64
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.security.personal_data import (
    id_check_character,
    id_number_problem,
    keyed_hash,
    mask_id_number,
    mask_phone,
    normalise_phone,
    phone_problem,
    stored_form,
)
from graph.security.sealing import PiiKeys, Unsealable, decode_key, key_id, seal, unseal

# The examples printed in GB 11643-1999 itself.
STANDARD_EXAMPLES = ["11010519491231002X", "440524188001010014"]


def test_the_standards_examples_are_right() -> None:
    for number in STANDARD_EXAMPLES:
        assert id_number_problem(number) is None


def test_a_lower_case_x_and_surrounding_spaces_are_accepted() -> None:
    assert id_number_problem(" 11010519491231002x ") is None


def test_a_wrong_check_digit_is_named_without_the_number() -> None:
    problem = id_number_problem("110105194912310021")
    assert problem == "the check digit (the last character) is wrong; look for a mistyped digit"
    assert "110105" not in problem


def test_length_shape_and_birth_date_are_checked() -> None:
    assert id_number_problem("1101051949123100") == (
        "a resident ID number has 18 characters, this one has 16"
    )
    assert id_number_problem("1101051949123100AX") == (
        "a resident ID number is 17 digits followed by a digit or X"
    )
    # 1949-02-30 is no date, whatever the check digit says.
    first17 = "11010519490230002"
    assert id_number_problem(first17 + id_check_character(first17)) == (
        "the birth date inside it (characters 7 to 14) is not a real date"
    )
    first17 = "11010530000101002"
    assert "in the future" in (id_number_problem(first17 + id_check_character(first17)) or "")


@given(st.from_regex(r"[1-6][0-9]{5}19[0-9]{2}0[1-9]1[0-9][0-9]{3}", fullmatch=True))
def test_any_single_digit_change_is_caught(first17: str) -> None:
    number = first17 + id_check_character(first17)
    assert id_number_problem(number) is None
    for position in range(17):
        digit = str((int(number[position]) + 1) % 10)
        changed = number[:position] + digit + number[position + 1 :]
        if changed[6:14] == number[6:14]:  # a changed birth date may also be no date
            assert id_number_problem(changed) is not None


def test_phones() -> None:
    for good in ["13812345678", "19900001034", "0710-3456789", "07103456789", "010-12345678"]:
        assert phone_problem(good) is None, good
    for bad in [
        "12812345678",
        "1381234567",
        "138123456789",
        "710-3456789",
        "0710-345678",
        "+8613812345678",
    ]:
        assert phone_problem(bad) is not None, bad
    assert "12812345678" not in (phone_problem("12812345678") or "")


def test_masks() -> None:
    assert mask_id_number("420606199001011234") == "420606********1234"
    assert mask_id_number("11010519491231002x") == "110105********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0710-3456789") == "0710-***6789"
    assert mask_phone("07103456789") == "0710-***6789"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_phone("01012345678") == "010-****5678"


def test_keyed_hash_is_hmac_sha256_of_the_normalised_value() -> None:
    expected = hmac.new(b"key", b"11010519491231002X", hashlib.sha256).hexdigest()
    assert keyed_hash(b"key", " 11010519491231002x ") == expected
    assert keyed_hash(b"other key", "11010519491231002X") != expected
    assert keyed_hash(b"key", normalise_phone("0710-3456789")) == keyed_hash(b"key", "07103456789")


# ------------------------------------------------------------------ sealed phones

KEYS = PiiKeys(hashing=b"key", sealing=bytes(32))


def test_a_sealed_phone_opens_for_its_person_only() -> None:
    sealed = seal(KEYS, "P1", "phone", value="13812345678")
    assert "13812345678" not in sealed
    assert sealed.startswith(key_id(KEYS.sealing) + ":")
    assert unseal(KEYS, "P1", "phone", sealed=sealed) == "13812345678"
    # A fresh 96-bit nonce every time: the same number never seals alike.
    assert seal(KEYS, "P1", "phone", value="13812345678") != sealed
    for person, field in (("P2", "phone"), ("P1", "idNumber")):
        with pytest.raises(Unsealable) as caught:
            unseal(KEYS, person, field, sealed=sealed)
        assert "13812345678" not in caught.value.message


def test_an_altered_or_foreign_sealed_value_does_not_open() -> None:
    sealed = seal(KEYS, "P1", "phone", value="13812345678")
    kid, body = sealed.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    for bad in (f"{kid}:{base64.b64encode(bytes(raw)).decode()}", f"{kid}:not base64!", "x"):
        with pytest.raises(Unsealable):
            unseal(KEYS, "P1", "phone", sealed=bad)
    other = PiiKeys(hashing=b"key", sealing=bytes(range(32)))
    with pytest.raises(Unsealable, match="a key this server does not hold"):
        unseal(other, "P1", "phone", sealed=sealed)


def test_a_retired_key_still_opens_what_it_sealed() -> None:
    rotated = PiiKeys(hashing=b"key", sealing=bytes(range(32)), retired=(KEYS.sealing,))
    old = seal(KEYS, "P1", "phone", value="0710-3456789")
    assert unseal(rotated, "P1", "phone", sealed=old) == "0710-3456789"
    assert seal(rotated, "P1", "phone", value="x").startswith(key_id(rotated.sealing))


def test_keys_are_checked() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        PiiKeys(hashing=b"key", sealing=b"short")
    with pytest.raises(ValueError, match="a key is needed"):
        PiiKeys(hashing=b"", sealing=bytes(32))
    assert decode_key(base64.b64encode(bytes(32)).decode()) == bytes(32)
    for bad in ("not base64!", base64.b64encode(bytes(16)).decode()):
        with pytest.raises(ValueError):
            decode_key(bad)


def test_the_stored_form() -> None:
    form = stored_form(KEYS, "P1", "11010519491231002x", phone="0710-3456789")
    assert unseal(KEYS, "P1", "phone", sealed=form.pop("phoneSealed") or "") == "0710-3456789"
    assert form == {
        "idNumberHash": keyed_hash(b"key", "11010519491231002X"),
        "idNumberMasked": "110105********002X",
        "phoneHash": keyed_hash(b"key", "07103456789"),
        "phoneMasked": "0710-***6789",
    }
    assert set(stored_form(KEYS, "P1", None, phone="").values()) == {None}
    # Values stored before the checks existed, and failing them, are masked whole.
    legacy = stored_form(KEYS, "P1", "12345", phone="555-1234")
    assert (legacy["idNumberMasked"], legacy["phoneMasked"]) == ("*****", "********")
