"""The console's review key and the sealed review it writes into a record.

The private key stays in the data folder (0600); its public half is added to county.yaml's
``review_keys`` so that the checker — which never imports the console — can verify every seal.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from ruamel.yaml.comments import CommentedMap

from signage.catalogue.loader import COUNTY_FILE
from signage.catalogue.reviewseal import public_key_text, sign_seal
from signage.catalogue.vocab import REVIEW_PASSED
from signage.console.editing import documents
from signage.console.site import Site


def review_key(site: Site) -> Ed25519PrivateKey:
    path = site.review_key_path
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    key = load_pem_private_key(path.read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def ensure_county_key(site: Site) -> str | None:
    """Add the console's public review key to county.yaml if missing; the key added, else None."""
    public = public_key_text(review_key(site).public_key())
    path: Path = site.content_dir / COUNTY_FILE
    if not path.exists():
        return None
    document = documents.load(path)
    county = document.data.get("county")
    if not isinstance(county, CommentedMap):
        return None
    keys = county.get("review_keys") or []
    if public in [str(k) for k in keys]:
        return None
    documents.set_field(county, "review_keys", documents.seq([*keys, public]))
    documents.save(document, document.version)
    return public


def sealed_review(site: Site, account: str, reviewer: str, digest: str,
                  now: dt.datetime | None = None, note: str = "") -> CommentedMap:
    now = now or dt.datetime.now(dt.UTC).astimezone()
    time = now.isoformat(timespec="seconds")
    record = CommentedMap()
    record["reviewer"] = reviewer
    record["date"] = site.today().isoformat()
    record["result"] = REVIEW_PASSED
    if note:
        record["note"] = note
    record["account"] = account
    record["time"] = time
    record["digest"] = digest
    record["signature"] = sign_seal(review_key(site), account, time, REVIEW_PASSED, digest)
    return record
