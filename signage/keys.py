"""The publisher's Ed25519 signing key, and the public keys players trust.

Players accept only manifests and commands signed by a key in their trusted list, so a client
that can publish on a content topic but lacks the key cannot make a screen switch.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PRIVATE_KEY_FILE = "publisher.key"
PUBLIC_KEY_FILE = "publisher.pub"


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
    """The public keys a player accepts, by key id."""

    keys: dict[str, Ed25519PublicKey]

    def verify(self, kid: str, signature: str, data: bytes) -> bool:
        public = self.keys.get(kid)
        if public is None:
            return False
        try:
            public.verify(base64.b64decode(signature, validate=True), data)
        except (InvalidSignature, ValueError):
            return False
        return True


def init_keys(directory: Path, *, force: bool = False) -> SigningKey:
    """Create the publisher key pair in ``directory`` (private key readable by owner only)."""
    private_path = directory / PRIVATE_KEY_FILE
    if private_path.exists() and not force:
        raise KeyFileError(f"{private_path} already exists; use --force to replace it "
                        f"(players must then be given the new {PUBLIC_KEY_FILE})")
    directory.mkdir(parents=True, exist_ok=True)
    key = SigningKey(Ed25519PrivateKey.generate())
    pem = key.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
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
