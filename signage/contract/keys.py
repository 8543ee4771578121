"""The publisher's Ed25519 signing key, and the public keys players trust.

Players accept only manifests and commands signed by a key in their trusted list, so a client
that can publish on a content topic but lacks the key cannot make a screen switch.

Rotation (`signage keys rotate`): a new key pair replaces the old one, and a *key ring*
statement, signed by the old key and the new, names the new key and the moment the old one
stops being accepted (the overlap). Players that trust the old key learn the new one from it,
accept both during the overlap, then only the new one. The old private key is destroyed once it
has signed the statement.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY_FILE = "publisher.key"
PUBLIC_KEY_FILE = "publisher.pub"
KEYRING_FILE = "keyring.json"  # the latest signed key ring statement (published retained)
RETIRED_DIR = "retired"  # public keys of rotated-out keys, for the record


class KeyFileError(Exception):
    """A key file is missing or unusable; the message says which file and what to do."""


def key_id(public: Ed25519PublicKey) -> str:
    """A short, stable name for a public key (first 16 hex digits of its SHA-256)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def id(self) -> str:
        return key_id(self.public)

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private.sign(data)).decode("ascii")


@dataclass(frozen=True, slots=True)
class TrustedKeys:
    """The public keys a player accepts, by key id; a key with an ``until`` time is accepted
    only before it (a rotated-out key during its overlap)."""

    keys: dict[str, Ed25519PublicKey]
    until: dict[str, dt.datetime] = field(default_factory=dict)

    def problem(self, kid: str, signature: str, data: bytes,
                at: dt.datetime | None = None) -> str | None:
        """None when ``signature`` over ``data`` is by a key accepted at ``at`` (default: now);
        otherwise why not: ``unknown-key``, ``expired-key`` or ``bad-signature``."""
        public = self.keys.get(kid)
        if public is None:
            return "unknown-key"
        end = self.until.get(kid)
        if end is not None and (at or dt.datetime.now(dt.UTC)) >= end:
            return "expired-key"
        try:
            public.verify(base64.b64decode(signature, validate=True), data)
        except (InvalidSignature, ValueError):
            return "bad-signature"
        return None

    def verify(self, kid: str, signature: str, data: bytes, at: dt.datetime | None = None) -> bool:
        return self.problem(kid, signature, data, at) is None

    def without_expiry(self) -> TrustedKeys:
        """Every key, whatever its ``until``: for content verified when it arrived (the cache),
        which must not go blank when an old key's overlap ends."""
        return TrustedKeys(dict(self.keys))


def init_keys(directory: Path, *, force: bool = False) -> SigningKey:
    """Create the publisher key pair in ``directory`` (private key readable by owner only)."""
    private_path = directory / PRIVATE_KEY_FILE
    if private_path.exists() and not force:
        raise KeyFileError(f"{private_path} already exists; use --force to replace it "
                        f"(players must then be given the new {PUBLIC_KEY_FILE})")
    directory.mkdir(parents=True, exist_ok=True)
    key = SigningKey(Ed25519PrivateKey.generate())
    write_private_key(private_path, key)
    (directory / PUBLIC_KEY_FILE).write_bytes(public_pem(key.public))
    return key


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo)


def _read_pem(path: Path, load: Any, kind: type, what: str, missing_hint: str) -> Any:
    """The key in ``path`` if it is a PEM key of ``kind``; KeyFileError saying what to do."""
    try:
        key = load(path.read_bytes())
    except FileNotFoundError:
        raise KeyFileError(f"no {what} at {path}: {missing_hint}") from None
    except ValueError as exc:
        raise KeyFileError(f"{path} is not a PEM {what}: {exc}") from None
    if not isinstance(key, kind):
        raise KeyFileError(f"{path} is not an Ed25519 {what}")
    return key


def load_signing_key(directory: Path) -> SigningKey:
    return SigningKey(_read_pem(
        directory / PRIVATE_KEY_FILE,
        lambda data: serialization.load_pem_private_key(data, password=None),
        Ed25519PrivateKey, "publisher key", f"run `signage keys init --data {directory}`"))


def load_public_key(path: Path) -> Ed25519PublicKey:
    return _read_pem(path, serialization.load_pem_public_key, Ed25519PublicKey, "public key",
                     f"copy the publisher's {PUBLIC_KEY_FILE}")


def trusted_keys(paths: list[Path]) -> TrustedKeys:
    publics = [load_public_key(path) for path in paths]
    return TrustedKeys({key_id(public): public for public in publics})


# --- key rings and rotation ----------------------------------------------------------------


def public_raw(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_from_raw(text: str) -> Ed25519PublicKey:
    """A public key from its base64 raw form; ValueError when it is not one."""
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True, slots=True)
class RingKey:
    """One key of a key ring: accepted until ``until`` (None: until the next rotation)."""

    public: Ed25519PublicKey
    until: dt.datetime | None = None

    @property
    def id(self) -> str:
        return key_id(self.public)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """A verified key ring statement: the keys to trust from now on."""

    sequence: int
    keys: tuple[RingKey, ...]
    payload: bytes  # the signed bytes, kept by players and re-published by the publisher

    def trusted(self) -> TrustedKeys:
        return TrustedKeys({k.id: k.public for k in self.keys},
                           {k.id: k.until for k in self.keys if k.until is not None})


def write_private_key(path: Path, key: SigningKey) -> None:
    pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
