"""The wire format: the one place payloads are encoded, signed, decoded and verified.

Every JSON payload carries ``"schema": "MAJOR.MINOR"``; a reader refuses an unknown major and
ignores fields it does not know (minor versions only add). JSON is canonical (sorted keys, no
spaces, UTF-8) so equal content is equal bytes and shares one SHA-256 object id.

Content travels as a Merkle tree of content-addressed objects::

    manifest (signed, per screen) ─▶ plan ─▶ chunk ─▶ power / notice / announcement ─▶ blob ─▶ part
                                          └─▶ unit
    since 1.1, optionally:           plan ─▶ index ─▶ index … ─▶ chunk …   (the root index holds the units)

Only the manifest is signed: it names the plan by hash, the plan names its chunks and units by
hash, and so on, so verifying each object's hash on arrival verifies the whole version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from dataclasses import dataclass
from typing import Any

from signage.contract.keys import KeyRing, RingKey, SigningKey, TrustedKeys, public_from_raw, public_raw
from signage.text.timezones import county_zone

SCHEMA = "1.1"  # 1.1: tree plans (``tree`` → ``index`` objects); a 1.0 reader refuses one
SCHEMA_MAJOR = 1
TREE_MINOR = 1  # the first minor whose readers take tree plans
MAX_PAYLOAD = 8 * 1024 * 1024  # players drop anything larger before parsing it
PART_MAGIC = b"signage-part/1\n"  # binary parts say their schema too
PART_SIZE = 256 * 1024
COMMANDS = ("reload", "identify", "screenshot", "print")  # print: a print station prints its boards again
COMMAND_MAX_AGE = dt.timedelta(minutes=5)
MAX_VERSION = 2**53 - 1  # versions stay exact in every JSON reader; a forged huge one is refused
# Bytes a payload may have, by topic kind (signage.contract.topics): objects carry content,
# everything else is small, so a client flooding a command or event topic with large messages
# costs a reader next to nothing (refused before parsing).
SIZE_LIMITS = {
    "obj": MAX_PAYLOAD, "screenshot": MAX_PAYLOAD, "manifest": 256 * 1024, "keys": 64 * 1024,
    "command": 4 * 1024, "status": 16 * 1024, "event": 8 * 1024, "presence": 1024,
}

# A plan's ``county`` may carry the county's IANA time zone (optional, added within 1.1: a reader
# that does not know it ignores it). Players date and time everything by it; without it, or with
# a name the player's zoneinfo does not know, Asia/Shanghai (never the box's own zone setting).
TIME_ZONE_FIELD = "time_zone"


class WireError(Exception):
    """A payload was refused. ``code`` is stable for reports: bad-json, unknown-schema, …"""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def size_limit(kind: str) -> int:
    """The most bytes a payload on a topic of ``kind`` may have."""
    return SIZE_LIMITS.get(kind, MAX_PAYLOAD)


def check_size(kind: str, payload: bytes) -> None:
    """WireError ``too-large`` when ``payload`` exceeds its topic kind's limit."""
    limit = size_limit(kind)
    if len(payload) > limit:
        raise WireError("too-large", f"{kind} of {len(payload)} bytes exceeds {limit}")


def _parse(payload: bytes, what: str, limit: int = MAX_PAYLOAD) -> dict[str, Any]:
    if len(payload) > limit:
        raise WireError("too-large", f"{what} of {len(payload)} bytes exceeds {limit}")
    try:  # UTF-8 only: json.loads would also take UTF-16/32, a second encoding of a signed body
        obj = json.loads(payload.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # bad UTF-8 or JSON, 4300+ digit numbers, deep nesting
        raise WireError("bad-json", f"{what}: {str(exc)[:200]}") from None
    if not isinstance(obj, dict):
        raise WireError("bad-json", f"{what} is not a JSON object")
    schema = obj.get("schema")
    if not isinstance(schema, str) or schema.split(".")[0] != str(SCHEMA_MAJOR):
        raise WireError("unknown-schema", f"{what} has schema {schema!r}; this player reads {SCHEMA}")
    return obj


# --- objects ---------------------------------------------------------------------------------


def plan_zone(county: Any) -> zoneinfo.ZoneInfo:
    """The time zone a plan's ``county`` object names (``time_zone``); Asia/Shanghai without one."""
    return county_zone(county.get(TIME_ZONE_FIELD) if isinstance(county, dict) else None)


def encode_object(obj: dict[str, Any]) -> tuple[str, bytes]:
    """(object id, payload) of a JSON object; ``obj`` must have a ``type``."""
    payload = canonical({"schema": SCHEMA, **obj})
    return digest(payload), payload


def encode_parts(data: bytes, media: str) -> tuple[tuple[str, bytes], list[tuple[str, bytes]]]:
    """A binary file as a blob index object and its parts (so no message exceeds PART_SIZE)."""
    parts = [PART_MAGIC + data[i:i + PART_SIZE] for i in range(0, max(len(data), 1), PART_SIZE)]
    encoded = [(digest(part), part) for part in parts]
    index = encode_object({"type": "blob", "media": media, "size": len(data),
                           "parts": [part_id for part_id, _ in encoded]})
    return index, encoded


def verify_hash(payload: bytes, expected: str) -> None:
    if len(payload) > MAX_PAYLOAD:
        raise WireError("too-large", f"object {expected[:12]} is {len(payload)} bytes")
    actual = digest(payload)
    if actual != expected:
        raise WireError("hash-mismatch", f"object {expected[:12]} has hash {actual[:12]}")


def decode_object(payload: bytes, expected: str) -> dict[str, Any] | bytes:
    """A verified object: a dict for JSON objects, the data bytes for a binary part."""
    verify_hash(payload, expected)
    if payload.startswith(PART_MAGIC):
        return payload[len(PART_MAGIC):]
    obj = _parse(payload, f"object {expected[:12]}")
    if not isinstance(obj.get("type"), str):
        raise WireError("bad-object", f"object {expected[:12]} has no type")
    return obj


# --- manifests -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Manifest:
    screen: str
    version: int
    plan: str  # object id of the plan
    issued: str
    payload: bytes  # the signed bytes as received, kept for the cache
    prefetch: tuple[str, ...] = ()  # objects new in this version: fetch them in one go
    inline: tuple[tuple[str, bytes], ...] = ()  # small new objects carried in the manifest
    key: str = ""  # id of the key that signed it


MAX_PREFETCH = 64
MAX_INLINE = 32 * 1024


def encode_manifest(screen: str, version: int, plan: str, key: SigningKey,
                    issued: str | None = None, prefetch: list[str] | None = None,
                    inline: dict[str, bytes] | None = None) -> bytes:
    """A signed manifest. ``prefetch`` names the objects that are new since the screen's last
    version (at most MAX_PREFETCH) so the player asks for them at once instead of level by
    level; when they are small JSON objects (MAX_INLINE in all) ``inline`` carries them, and an
    edit reaches the screen in one hop. Inline objects are still verified by their hash."""
    body: dict[str, Any] = {"schema": SCHEMA, "type": "manifest", "screen": screen,
                            "version": version, "plan": plan, "issued": issued or now_iso(),
                            "key": key.id}
    if prefetch and len(prefetch) <= MAX_PREFETCH:
        body["prefetch"] = sorted(prefetch)
    if inline and sum(map(len, inline.values())) <= MAX_INLINE and not any(
            p.startswith(PART_MAGIC) for p in inline.values()):
        body["inline"] = {object_id: p.decode("utf-8") for object_id, p in sorted(inline.items())}
    return canonical({**body, "sig": key.sign(canonical(body))})


def _signed_body(obj: dict[str, Any]) -> bytes:
    """The canonical bytes a signature covers; empty when the text cannot be UTF-8 (a lone
    surrogate escaped in the JSON), which no genuine signer produces."""
    try:
        return canonical(obj)
    except UnicodeEncodeError:
        return b""


def _check_signature(obj: dict[str, Any], trusted: TrustedKeys, what: str) -> None:
    """Pop ``sig`` and check it over the rest; WireError ``unknown-key`` (signed by a key this
    player does not know: maybe a rotation it has not heard of yet), ``expired-key`` or
    ``bad-signature``."""
    signature = obj.pop("sig", None)
    kid = str(obj.get("key"))
    body = _signed_body(obj)
    problem = (trusted.problem(kid, signature, body) if isinstance(signature, str) and body
               else "bad-signature")
    if problem == "unknown-key":
        raise WireError(problem, f"{what} is signed by key {kid[:16]!r}, which this player does not trust")
    if problem == "expired-key":
        raise WireError(problem, f"{what} is signed by key {kid[:16]}, retired by a key rotation")
    if problem is not None:
        raise WireError("bad-signature", f"{what} is not signed by a trusted publisher key")


def decode_manifest(payload: bytes, trusted: TrustedKeys, screen: str) -> Manifest:
    """A manifest whose signature, screen and fields check out; WireError otherwise."""
    obj = _parse(payload, "manifest", SIZE_LIMITS["manifest"])
    _check_signature(obj, trusted, "manifest")
    if obj.get("type") != "manifest" or obj.get("screen") != screen:
        raise WireError("wrong-screen", f"manifest is for {obj.get('screen')!r}, not {screen!r}")
    version, plan = obj.get("version"), obj.get("plan")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION \
            or not isinstance(plan, str) or len(plan) != 64:
        raise WireError("bad-manifest", f"manifest lacks a version (1–{MAX_VERSION}) or a plan id")
    hints = obj.get("prefetch") or []
    prefetch = tuple(h for h in hints[:MAX_PREFETCH]
                     if isinstance(h, str) and len(h) == 64) if isinstance(hints, list) else ()
    carried = obj.get("inline") or {}
    if not isinstance(carried, dict) or not all(isinstance(v, str) for v in carried.values()):
        raise WireError("bad-manifest", "inline objects must be a mapping of id to JSON text")
    inline = tuple((str(k), v.encode("utf-8")) for k, v in carried.items())
    for object_id, data in inline:
        verify_hash(data, object_id)
    return Manifest(screen, version, plan, str(obj.get("issued", "")), payload, prefetch, inline,
                    str(obj.get("key")))


def claimed_version(payload: bytes) -> int | None:
    """The version a manifest claims, *not* verified (for display); None when unreadable."""
    try:
        version = _parse(payload, "manifest", SIZE_LIMITS["manifest"]).get("version")
    except WireError:
        return None
    ok = isinstance(version, int) and not isinstance(version, bool) and 1 <= version <= MAX_VERSION
    return version if ok else None


# --- commands --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    name: str
    issued: dt.datetime
    args: dict[str, Any]


def encode_command(screen: str, name: str, key: SigningKey, command_id: str,
                   args: dict[str, Any] | None = None) -> bytes:
    body = {"schema": SCHEMA, "type": "command", "screen": screen, "command": name,
            "id": command_id, "issued": now_iso(), "args": args or {}, "key": key.id}
    return canonical({**body, "sig": key.sign(canonical(body))})


def decode_command(payload: bytes, trusted: TrustedKeys, screen: str,
                   now: dt.datetime | None = None) -> Command:
    """A signed, fresh command for this screen (replays older than COMMAND_MAX_AGE refused)."""
    obj = _parse(payload, "command", SIZE_LIMITS["command"])
    _check_signature(obj, trusted, "command")
    if obj.get("screen") != screen or obj.get("command") not in COMMANDS:
        raise WireError("bad-command", f"command {obj.get('command')!r} for {obj.get('screen')!r}")
    try:
        issued = dt.datetime.fromisoformat(str(obj.get("issued")))
    except ValueError:
        raise WireError("bad-command", "command has no valid issue time") from None
    args = obj.get("args") or {}
    if issued.tzinfo is None or not isinstance(args, dict):
        raise WireError("bad-command", "command needs an issue time with its zone and args as a mapping")
    if abs((now or dt.datetime.now(dt.UTC)) - issued) > COMMAND_MAX_AGE:
        raise WireError("stale-command", f"command issued at {issued.isoformat()} is too old")
    return Command(str(obj.get("id")), str(obj["command"]), issued, args)


# --- key rings (publisher key rotation) --------------------------------------------------------


def encode_keyring(sequence: int, keys: list[RingKey], signers: list[SigningKey]) -> bytes:
    """A key ring statement signed by every key in ``signers`` (the old and the new key)."""
    body = {"schema": SCHEMA, "type": "keyring", "sequence": sequence, "issued": now_iso(),
            "keys": [{"id": k.id, "public": public_raw(k.public),
                      **({"until": k.until.isoformat(timespec="seconds")} if k.until else {})}
                     for k in keys]}
    return canonical({**body, "sigs": {key.id: key.sign(canonical(body)) for key in signers}})


def read_keyring(payload: bytes) -> KeyRing:
    """A key ring's contents, *not* verified (see decode_keyring); WireError when malformed."""
    return _ring(_parse(payload, "key ring", SIZE_LIMITS["keys"]), payload)


def _ring(obj: dict[str, Any], payload: bytes) -> KeyRing:
    sequence, entries = obj.get("sequence"), obj.get("keys")
    if obj.get("type") != "keyring" or not isinstance(sequence, int) or sequence < 1 \
            or not isinstance(entries, list) or not entries:
        raise WireError("bad-keyring", "key ring lacks a type, a positive sequence or keys")
    keys = []
    for entry in entries[:16]:
        try:
            until = dt.datetime.fromisoformat(entry["until"]) if entry.get("until") else None
            if until is not None and until.tzinfo is None:
                raise ValueError("an end without its time zone")
            keys.append(RingKey(public_from_raw(str(entry["public"])), until))
        except (AttributeError, KeyError, TypeError, ValueError):
            raise WireError("bad-keyring", f"key ring entry {entry!r:.80} is not a key") from None
    return KeyRing(sequence, tuple(keys), payload)


def decode_keyring(payload: bytes, trusted: TrustedKeys) -> KeyRing:
    """A key ring signed by a key ``trusted`` accepts now; WireError otherwise. Every signature
    present must be valid, so a tampered copy is refused even if one signer is still trusted."""
    obj = _parse(payload, "key ring", SIZE_LIMITS["keys"])
    ring = _ring(obj, payload)
    sigs = obj.pop("sigs", None)
    body = _signed_body(obj)
    if not isinstance(sigs, dict) or not sigs or not body:
        raise WireError("bad-signature", "key ring is not signed")
    listed = ring.trusted().without_expiry()  # they signed when the ring was issued
    accepted = False
    for kid, signature in sigs.items():
        verifier = trusted if kid in trusted.keys else listed
        problem = verifier.problem(str(kid), str(signature), body) if isinstance(signature, str) \
            else "bad-signature"
        if problem == "bad-signature" or (problem and verifier is listed):
            raise WireError("bad-signature", f"key ring signature by {str(kid)[:16]} does not verify")
        accepted = accepted or (verifier is trusted and problem is None)
    if not accepted:
        raise WireError("unknown-key", "key ring is not signed by a key this player trusts")
    return ring


# --- status and events (player → publisher; informative, not signed) -------------------------


def encode_presence(client: str, online: bool) -> bytes:
    """Presence, also used as the last will, so it carries no time (the will is set at connect)."""
    return canonical({"schema": SCHEMA, "type": "presence", "client": client,
                      "state": "online" if online else "offline"})


def is_online(payload: bytes) -> bool | None:
    """The state a presence payload announces; None when it is not a presence payload."""
    try:
        body = _parse(payload, "presence", SIZE_LIMITS["presence"])
    except WireError:
        return None
    return body.get("state") == "online" if body.get("type") == "presence" else None


def encode_message(message_type: str, /, **fields: Any) -> bytes:
    return canonical({"schema": SCHEMA, "type": message_type, "ts": now_iso(), **fields})


def decode_message(payload: bytes, what: str = "message") -> dict[str, Any]:
    return _parse(payload, what)


# Status and events come from screens, which anyone holding a screen's account can be: every
# field is checked for its type and bounded before a reader sees it. Text is cut to MAX_TEXT.
MAX_TEXT = 300
EVENT_TYPES = ("ack", "play", "error", "command")
MAX_REPORTED_OBJECTS = 16  # object ids an error event may name (hash-mismatch, missing-object)
_COUNT = (int, None)
_OPTIONAL_COUNT = (int | None, None)
_STATUS_FIELDS: dict[str, tuple[Any, int | None]] = {
    "screen": (str, 63), "renderer": (str, 32), "ts": (str, 40), "version": _OPTIONAL_COUNT,
    "plan": (str | None, 64), "entries": _COUNT, "fetching": _OPTIONAL_COUNT,
    "plays_last_hour": _COUNT, "bytes_received": _COUNT, "error": (dict | None, None),
}
_EVENT_FIELDS: dict[str, tuple[Any, int | None]] = {
    "ts": (str, 40), "version": _OPTIONAL_COUNT, "plan": (str, 64),  # the screen is the topic's
    "entries": _COUNT, "kind": (str, 32), "unit": (str, MAX_TEXT), "key": (str, MAX_TEXT),
    "code": (str, 40), "detail": (str, MAX_TEXT), "id": (str, 64), "command": (str, 32),
    "objects": (list, MAX_REPORTED_OBJECTS),
}


def _checked_fields(obj: dict[str, Any], spec: dict[str, tuple[Any, int | None]],
                    what: str) -> dict[str, Any]:
    """The known fields of ``obj`` with their types checked; text and lists cut to size."""
    out: dict[str, Any] = {}
    for name, (kind, limit) in spec.items():
        if name not in obj:
            continue
        value = obj[name]
        if isinstance(value, bool) or not isinstance(value, kind):
            raise WireError("bad-message", f"{what}: {name} has the wrong type "
                                           f"({type(value).__name__})")
        if isinstance(value, int) and not 0 <= value <= MAX_VERSION:
            raise WireError("bad-message", f"{what}: {name} {value} is out of range")
        if isinstance(value, str | list) and limit is not None:
            value = value[:limit]
        out[name] = value
    return out


def _error_field(value: Any, what: str) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(value.get(k, ""), str)
                                              for k in ("code", "detail", "at")):
        raise WireError("bad-message", f"{what}: error must be a mapping of code, detail, at")
    return {k: str(value.get(k, ""))[:MAX_TEXT] for k in ("code", "detail", "at")}


def reader_minor(payload: bytes) -> int | None:
    """The schema minor a screen's status was written in, i.e. the newest content it reads
    (so the publisher sends a 1.0 reader flat plans); None when the status says nothing usable."""
    try:
        schema = _parse(payload, "status", SIZE_LIMITS["status"]).get("schema")
        _, minor = str(schema).split(".")  # _parse has refused another major
        return int(minor) if minor.isdigit() else None
    except (WireError, ValueError):
        return None


def decode_status(payload: bytes, screen: str) -> dict[str, Any]:
    """A screen's retained status with every field of the right type and size; WireError
    (``too-large``, ``bad-json``, ``bad-message``) otherwise."""
    obj = _parse(payload, f"status of {screen}", SIZE_LIMITS["status"])
    if obj.get("type") != "status":
        raise WireError("bad-message", f"status of {screen} has type {str(obj.get('type'))[:20]!r}")
    status = _checked_fields(obj, _STATUS_FIELDS, f"status of {screen}")
    status["error"] = _error_field(status.get("error"), f"status of {screen}")
    return status


def decode_event(payload: bytes, screen: str) -> dict[str, Any]:
    """An event of ``screen`` (ack, play, error, command) checked like a status; the screen
    is the topic's, whatever the payload claims."""
    obj = _parse(payload, f"event of {screen}", SIZE_LIMITS["event"])
    if obj.get("type") not in EVENT_TYPES:
        raise WireError("bad-message", f"event of {screen} has type {str(obj.get('type'))[:20]!r}")
    event = _checked_fields(obj, _EVENT_FIELDS, f"event of {screen}")
    objects = event.get("objects", [])
    if not all(isinstance(o, str) and len(o) == 64 for o in objects):
        raise WireError("bad-message", f"event of {screen}: objects must be object ids")
    return {"type": obj["type"], **event, "screen": screen}
