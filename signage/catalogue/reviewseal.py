"""The seal of a 保密审查: a digest of the reviewed record and a signature by a county review key.

A review the console records names the account, the time and the digest of exactly the content
that was approved, signed with the console's Ed25519 review key; the checker recomputes the
digest from the file and verifies the signature with the keys in county.yaml (``review_keys``),
so any later change, even on the same day, voids the review. The digest is computed here only:
the console asks this module for it and never computes its own.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

DIGEST_PREFIX = "sha256:"
_SEAL_VERSION = "signage-review-v1"


def record_digest(raw: Any) -> str:
    """sha256 of a record as written (the YAML mapping, every scalar a string), without its review."""
    if isinstance(raw, dict):
        raw = {key: value for key, value in raw.items() if key != "review"}
    canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return DIGEST_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal_message(account: str, time: str, result: str, digest: str) -> bytes:
    return "\n".join((_SEAL_VERSION, account, time, result, digest)).encode("utf-8")


def sign_seal(key: Ed25519PrivateKey, account: str, time: str, result: str, digest: str) -> str:
    return base64.b64encode(key.sign(seal_message(account, time, result, digest))).decode("ascii")


def public_key_text(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def verify_seal(keys: tuple[str, ...], signature: str, account: str, time: str, result: str,
                digest: str) -> bool:
    """True when one of the county's review keys signed exactly these values."""
    return _verify(keys, signature, seal_message(account, time, result, digest))


@functools.lru_cache(maxsize=65536)  # a county's 10,000 records are verified once, not per check
def _verify(keys: tuple[str, ...], signature: str, message: bytes) -> bool:
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    for text in keys:
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
            key.verify(raw_signature, message)
            return True
        except (binascii.Error, ValueError, InvalidSignature):
            continue
    return False
