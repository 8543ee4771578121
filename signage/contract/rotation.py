"""``signage keys rotate``: the publisher's key replaced, announced by a key ring signed by both.

Kept apart from :mod:`signage.contract.keys` (key material) because it writes the ring in the
wire format, and the wire format itself needs the key types.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signage.contract import wire
from signage.contract.files import atomic_write
from signage.contract.keys import (
    KEYRING_FILE,
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    RETIRED_DIR,
    KeyRing,
    RingKey,
    SigningKey,
    load_signing_key,
    public_pem,
    write_private_key,
)


def rotate_keys(directory: Path, overlap: dt.timedelta,
                now: dt.datetime | None = None) -> tuple[SigningKey, SigningKey, bytes]:
    """Replace the publisher key in ``directory`` by a new one; returns (old, new, key ring).

    The key ring statement is signed by both keys, keeps the old key for ``overlap`` and any
    key of the previous ring whose overlap has not ended. Files are replaced in an order that
    leaves a usable key after a crash at any point: the new private key is written aside, the
    ring and retired public key saved, then the new key renamed over the old."""
    old = load_signing_key(directory)
    new = SigningKey(Ed25519PrivateKey.generate())
    moment = now or dt.datetime.now(dt.UTC)
    previous = read_keyring_file(directory)
    keep = [RingKey(k.public, k.until) for k in (previous.keys if previous else ())
            if k.until is not None and k.until > moment and k.id not in (old.id, new.id)]
    ring = [RingKey(new.public), RingKey(old.public, moment + overlap), *keep]
    sequence = (previous.sequence if previous else 0) + 1
    payload = wire.encode_keyring(sequence, ring, [old, new])
    staged = directory / (PRIVATE_KEY_FILE + ".new")
    write_private_key(staged, new)
    (directory / RETIRED_DIR).mkdir(exist_ok=True)
    (directory / RETIRED_DIR / f"{old.id}.pub").write_bytes(public_pem(old.public))
    atomic_write(directory / KEYRING_FILE, payload)
    atomic_write(directory / PUBLIC_KEY_FILE, public_pem(new.public))
    os.replace(staged, directory / PRIVATE_KEY_FILE)
    return old, new, payload


def read_keyring_file(directory: Path) -> KeyRing | None:
    """The publisher's own latest key ring (it signed it; read without a trust anchor)."""
    try:
        payload = (directory / KEYRING_FILE).read_bytes()
    except FileNotFoundError:
        return None
    return wire.read_keyring(payload)
