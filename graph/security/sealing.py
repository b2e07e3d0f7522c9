"""Phones encrypted at rest (DESIGN §6): AES-256-GCM under a key from settings.

A sealed value is `<key id>:<base64 of nonce, ciphertext and tag>`. The nonce is 96
random bits, fresh for every value; the associated data names the person and the
field, so a ciphertext copied onto another person (or field) no longer opens. The key
id (a fingerprint of the key, not the key) says which key sealed a value, so that
keys can rotate: values sealed under a retired key still open while it is listed.
"""

import base64
import binascii
import functools
import hashlib
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from graph.core.errors import GovgraphError

KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, as GCM recommends


class Unsealable(GovgraphError):
    """A stored value that no key held opens: altered, moved, or sealed under an unknown key."""


@dataclass(frozen=True)
class PiiKeys:
    """The keys of personal data: `hashing` keys the HMACs kept for look-up, `sealing`
    encrypts phones, and `retired` sealing keys still open values sealed before a rotation."""

    hashing: bytes
    sealing: bytes
    retired: tuple[bytes, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.hashing:
            raise ValueError("a key is needed to hash resident ID and phone numbers")
        for key in (self.sealing, *self.retired):
            if len(key) != KEY_BYTES:
                raise ValueError(f"a sealing key has {KEY_BYTES} bytes, not {len(key)}")

    def derived(self, purpose: str) -> bytes:
        """A key of its own for `purpose` (such as the access log's chain), from `hashing`."""
        return hashlib.sha256(self.hashing + b"\x00" + purpose.encode()).digest()


@functools.cache
def key_id(key: bytes) -> str:
    return hashlib.sha256(b"govgraph sealing key id\x00" + key).hexdigest()[:8]


@functools.cache
def _cipher(key: bytes) -> AESGCM:
    """One per key: an import seals millions of phones under the same one."""
    return AESGCM(key)


def decode_key(text: str) -> bytes:
    """A sealing key given in settings as base64."""
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error:
        raise ValueError("a sealing key is given as base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"a sealing key is base64 of {KEY_BYTES} bytes, not {len(key)}")
    return key


def _associated(person_id: str, name: str) -> bytes:
    return f"Person\x00{person_id}\x00{name}".encode()


def seal(keys: PiiKeys, person_id: str, name: str, *, value: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(keys.sealing).encrypt(nonce, value.encode(), _associated(person_id, name))
    return f"{key_id(keys.sealing)}:{base64.b64encode(nonce + sealed).decode()}"


def unseal(keys: PiiKeys, person_id: str, name: str, *, sealed: str) -> str:
    held = {key_id(key): key for key in (keys.sealing, *keys.retired)}
    kid, _, body = sealed.partition(":")
    if kid not in held:
        raise Unsealable(f"The stored {name} was sealed under a key this server does not hold.")
    try:
        raw = base64.b64decode(body, validate=True)
        clear = _cipher(held[kid]).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated(person_id, name)
        )
    except (binascii.Error, ValueError, InvalidTag):
        raise Unsealable(
            f"The stored {name} of person {person_id} does not open: it was altered or "
            "copied from another person."
        ) from None
    return clear.decode()
