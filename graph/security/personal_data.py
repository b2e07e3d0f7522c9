"""Resident ID numbers and phone numbers: checks, keyed hashes, masks, and the form that
is stored (DESIGN §6).

The graph never holds these in clear. It keeps a keyed hash, to look a person up
or find duplicates without the number, a masked form to show, and for phones, which
a grid worker may need to call, the number sealed (graph/sealing.py). No message
here repeats the number it is about.
"""

import hmac
import operator
import re
from collections.abc import Callable
from datetime import date

from graph.security.sealing import PiiKeys, seal

# GB 11643-1999: the weights of the first 17 digits; the weighted sum mod 11
# indexes the check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

MOBILE = re.compile(r"1[3-9][0-9]{9}")
# 0, an area code of 2 or 3 more digits, an optional '-', a local number of 7 or 8 digits.
LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}")

# Anything shaped like an ID number or phone inside a text (not part of a longer word, such
# as a hash): what `redact` masks.
IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})(?![0-9A-Za-z])"
)


def redact(text: str) -> str:
    """`text` with every ID number or phone in it masked: for messages that quote a value
    someone typed where it does not belong (a phone in a date column, an ID number as an
    Int), which would otherwise repeat it."""

    def masked(found: re.Match[str]) -> str:
        value = found.group()
        return mask_id_number(value) if len(value) == 18 else mask_phone(value)

    return IN_TEXT.sub(masked, text)


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_problem(value: str) -> str | None:
    """What is wrong with a resident ID number, or None when it is right."""
    number = normalise_id_number(value)
    if len(number) != 18:
        return f"a resident ID number has 18 characters, this one has {len(number)}"
    if not ID_SHAPE.fullmatch(number):
        return "a resident ID number is 17 digits followed by a digit or X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "the birth date inside it (characters 7 to 14) is not a real date"
    if born > date.today():
        return "the birth date inside it (characters 7 to 14) is in the future"
    if number[17] != id_check_character(number[:17]):
        return "the check digit (the last character) is wrong; look for a mistyped digit"
    return None


def id_check_character(first17: str) -> str:
    total = sum(map(operator.mul, map(int, first17), ID_WEIGHTS))
    return ID_CHECK_CHARACTERS[total % 11]


def mask_id_number(value: str) -> str:
    number = normalise_id_number(value)
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def normalise_phone(value: str) -> str:
    """Digits only, so that 0710-3456789 and 07103456789 hash alike."""
    return value.strip().replace("-", "")


def phone_problem(value: str) -> str | None:
    """What is wrong with a phone number, or None when it is right."""
    phone = value.strip()
    if MOBILE.fullmatch(phone) or LANDLINE.fullmatch(phone):
        return None
    return (
        "expected an 11-digit mobile number (1, then 3 to 9, then 9 digits) or a landline: "
        "an area code such as 0710, an optional '-', then 7 or 8 digits"
    )


def mask_phone(value: str) -> str:
    phone = value.strip()
    if MOBILE.fullmatch(phone):
        return f"{phone[:3]}****{phone[-4:]}"
    area, local = _landline_parts(phone)
    return f"{area}-{'*' * (len(local) - 4)}{local[-4:]}"


def _landline_parts(phone: str) -> tuple[str, str]:
    if "-" in phone:
        area, local = phone.split("-")
        return area, local
    # Without a '-': area codes 010 and 020-029 have three characters, all others four.
    split = 3 if phone[1] in "12" else 4
    return phone[:split], phone[split:]


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of the normalised value: equal numbers match, and without the key
    nobody can test guesses against the stored hashes."""
    return hmac.digest(key, value.strip().upper().encode("utf-8"), "sha256").hex()


PHONE_FIELD = "phone"  # the name a sealed phone is bound to (and the access log records)


def stored_form(
    keys: PiiKeys, person_id: str, id_number: str | None, *, phone: str | None
) -> dict[str, str | None]:
    """The properties a person's ID number and phone are stored as; None removes one.
    A value that fails its check (only found in data stored before the checks) is
    masked whole."""
    return {
        "idNumberHash": keyed_hash(keys.hashing, id_number) if id_number else None,
        "idNumberMasked": _masked(id_number, id_number_problem, mask_id_number),
        "phoneHash": keyed_hash(keys.hashing, normalise_phone(phone)) if phone else None,
        "phoneMasked": _masked(phone, phone_problem, mask_phone),
        "phoneSealed": seal(keys, person_id, PHONE_FIELD, value=phone.strip()) if phone else None,
    }


def _masked(
    value: str | None, problem: Callable[[str], str | None], mask: Callable[[str], str]
) -> str | None:
    if not value:
        return None
    return mask(value) if problem(value) is None else "*" * len(value.strip())
