"""What screens send (status, events, presence) is read as hostile: every field's type, range
and size, boundary by boundary; and every topic kind's byte limit, at the limit and one over.
(Mutation testing found these untested by the wire's own tests.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from signage.contract import wire

OID = "a" * 64
STATUS = {"schema": wire.SCHEMA, "type": "status", "screen": "s", "renderer": "log",
          "ts": "2026-11-27T02:00:00+00:00", "version": 3, "plan": OID, "entries": 12,
          "fetching": 0, "plays_last_hour": 5, "bytes_received": 100, "error": None}
EVENT = {"schema": wire.SCHEMA, "type": "error", "screen": "s", "ts": "2026-11-27T02:00:00+00:00",
         "version": 3, "plan": OID, "entries": 12, "kind": "power", "unit": "taixi", "key": "k",
         "code": "hash-mismatch", "detail": "d", "id": "c-1", "command": "reload", "objects": [OID]}


def payload(base: dict[str, Any], **changes: Any) -> bytes:
    body = {**base, **changes}
    return wire.canonical({k: v for k, v in body.items() if v is not ...})


def code_of(call) -> str:
    with pytest.raises(wire.WireError) as refused:
        call()
    return refused.value.code


def test_the_documented_byte_limits() -> None:
    assert wire.MAX_PAYLOAD == 8 * 1024 * 1024 and wire.PART_SIZE == 256 * 1024
    assert wire.MAX_VERSION == 9_007_199_254_740_991  # 2^53 − 1: exact in every JSON reader
    assert wire.SIZE_LIMITS == {"obj": 8 * 1024 * 1024, "screenshot": 8 * 1024 * 1024,
                                "manifest": 256 * 1024, "keys": 64 * 1024, "command": 4 * 1024,
                                "status": 16 * 1024, "event": 8 * 1024, "presence": 1024}
    assert (wire.MAX_TEXT, wire.MAX_REPORTED_OBJECTS) == (300, 16)
    assert wire.EVENT_TYPES == ("ack", "play", "error", "command")
    assert wire.size_limit("no-such-kind") == wire.MAX_PAYLOAD


@pytest.mark.parametrize("kind", sorted(wire.SIZE_LIMITS))
def test_each_kind_is_refused_one_byte_over_its_limit(kind: str) -> None:
    limit = wire.SIZE_LIMITS[kind]
    wire.check_size(kind, b"x" * limit)
    assert code_of(lambda: wire.check_size(kind, b"x" * (limit + 1))) == "too-large"


def _padded(base: dict[str, Any], size: int) -> bytes:
    """``base`` with an unknown field padding it to exactly ``size`` bytes."""
    empty = len(payload(base, pad=""))
    return payload(base, pad="p" * (size - empty))


@pytest.mark.parametrize(("decode", "base", "kind"), [
    (lambda p: wire.decode_status(p, "s"), STATUS, "status"),
    (lambda p: wire.decode_event(p, "s"), EVENT, "event"),
    (wire.claimed_version, {"schema": "1.1", "type": "manifest", "version": 7}, "manifest"),
    (wire.reader_minor, STATUS, "status"),
])
def test_decoders_take_their_kinds_limit_and_no_more(decode, base, kind: str) -> None:
    limit = wire.SIZE_LIMITS[kind]
    assert decode(_padded(base, limit)) is not None
    over = _padded(base, limit + 1)
    if decode in (wire.claimed_version, wire.reader_minor):
        assert decode(over) is None
    else:
        assert code_of(lambda: decode(over)) == "too-large"


def test_presence_limit() -> None:
    base = {"schema": "1.1", "type": "presence", "client": "s", "state": "online"}
    assert wire.is_online(_padded(base, 1024)) is True
    assert wire.is_online(_padded(base, 1025)) is None
    for state in ("ONLINE", "zzz", "a", "online "):  # either side of "online": offline
        assert wire.is_online(payload(base, state=state)) is False
    for kind in ("status", "a", "zzz"):  # another type, either side of "presence"
        assert wire.is_online(payload(base, type=kind)) is None


# -- status -------------------------------------------------------------------------------------


def test_a_genuine_status_reads_whole() -> None:
    status = wire.decode_status(payload(STATUS), "s")
    assert status == {k: v for k, v in STATUS.items() if k not in ("schema", "type")}


def test_status_keeps_only_known_fields() -> None:
    status = wire.decode_status(payload(STATUS, extra="x", version=...), "s")
    assert "extra" not in status and "version" not in status and status["entries"] == 12


@pytest.mark.parametrize(("field", "value"), [
    ("screen", 5), ("renderer", None), ("ts", 1), ("version", "3"), ("version", True),
    ("plan", 7), ("entries", None), ("entries", 1.5), ("entries", False), ("fetching", "0"),
    ("plays_last_hour", []), ("bytes_received", {}), ("error", "boom"), ("error", ["x"]),
    ("error", {"code": 1}), ("error", {"code": "c", "detail": None}), ("error", {"at": 5}),
])
def test_status_field_of_the_wrong_type_is_refused(field: str, value: Any) -> None:
    assert code_of(lambda: wire.decode_status(payload(STATUS, **{field: value}), "s")) == "bad-message"


@pytest.mark.parametrize(("field", "value", "ok"), [
    ("entries", 0, True), ("entries", -1, False), ("version", wire.MAX_VERSION, True),
    ("version", wire.MAX_VERSION + 1, False), ("version", None, True), ("fetching", None, True),
    ("bytes_received", -5, False), ("plan", None, True),
])
def test_status_counts_are_in_range(field: str, value: Any, ok: bool) -> None:
    decode = lambda: wire.decode_status(payload(STATUS, **{field: value}), "s")  # noqa: E731
    if ok:
        assert decode()[field] == value
    else:
        assert code_of(decode) == "bad-message"


@pytest.mark.parametrize(("field", "limit"), [("screen", 63), ("renderer", 32), ("ts", 40),
                                             ("plan", 64)])
def test_status_text_is_cut_to_its_size(field: str, limit: int) -> None:
    status = wire.decode_status(payload(STATUS, **{field: "政" * (limit + 10)}), "s")
    assert status[field] == "政" * limit
    assert wire.decode_status(payload(STATUS, **{field: "z" * limit}), "s")[field] == "z" * limit


def test_status_error_is_three_bounded_texts() -> None:
    error = {"code": "c" * 400, "detail": "细" * 400, "at": "t", "other": "dropped"}
    status = wire.decode_status(payload(STATUS, error=error), "s")
    assert status["error"] == {"code": "c" * 300, "detail": "细" * 300, "at": "t"}
    partial = wire.decode_status(payload(STATUS, error={"code": "c"}), "s")
    assert partial["error"] == {"code": "c", "detail": "", "at": ""}
    assert wire.decode_status(payload(STATUS, error=...), "s")["error"] is None


@pytest.mark.parametrize("kind", ["event", "statuses", None, 5])
def test_status_of_another_type_is_refused(kind: Any) -> None:
    assert code_of(lambda: wire.decode_status(payload(STATUS, type=kind), "s")) == "bad-message"


@pytest.mark.parametrize(("schema", "minor"), [
    ("1.0", 0), ("1.1", 1), ("1.12", 12), ("2.1", None), ("1", None), ("1.x", None),
    ("1.1.1", None), (None, None), (11, None), ("x.1", None), ("0.1", None),
])
def test_reader_minor(schema: Any, minor: int | None) -> None:
    body = {**STATUS, "schema": schema}
    raw = json.dumps(body).encode() if schema is not None else payload(STATUS, schema=...)
    assert wire.reader_minor(raw) == minor


def test_reader_minor_of_garbage() -> None:
    assert wire.reader_minor(b"not json") is None


# -- events -------------------------------------------------------------------------------------


def test_a_genuine_event_reads_whole_with_the_topics_screen() -> None:
    event = wire.decode_event(payload(EVENT, screen="forged"), "s")
    assert event == {**{k: v for k, v in EVENT.items() if k != "schema"}, "screen": "s"}


@pytest.mark.parametrize("kind", wire.EVENT_TYPES)
def test_every_event_type_is_read(kind: str) -> None:
    assert wire.decode_event(payload(EVENT, type=kind), "s")["type"] == kind


@pytest.mark.parametrize("kind", ["status", "acks", None, ["ack"]])
def test_an_unknown_event_type_is_refused(kind: Any) -> None:
    assert code_of(lambda: wire.decode_event(payload(EVENT, type=kind), "s")) == "bad-message"


@pytest.mark.parametrize(("field", "limit"), [
    ("ts", 40), ("plan", 64), ("kind", 32), ("unit", 300), ("key", 300), ("code", 40),
    ("detail", 300), ("id", 64), ("command", 32),
])
def test_event_text_is_cut_to_its_size(field: str, limit: int) -> None:
    assert wire.decode_event(payload(EVENT, **{field: "政" * (limit + 1)}), "s")[field] == "政" * limit


@pytest.mark.parametrize(("objects", "ok"), [
    ([], True), ([OID] * 16, True), (["b" * 63], False), (["b" * 65], False), ([5], False),
    ("a" * 64, False), ([OID, None], False),
])
def test_event_objects_are_object_ids(objects: Any, ok: bool) -> None:
    decode = lambda: wire.decode_event(payload(EVENT, objects=objects), "s")  # noqa: E731
    if ok:
        assert decode()["objects"] == objects
    else:
        assert code_of(decode) == "bad-message"


def test_at_most_16_objects_are_kept() -> None:
    many = [f"{i:064x}" for i in range(40)]
    assert wire.decode_event(payload(EVENT, objects=many), "s")["objects"] == many[:16]


def test_an_event_without_objects_has_none() -> None:
    assert "objects" not in wire.decode_event(payload(EVENT, objects=...), "s")


@pytest.mark.parametrize(("field", "value"), [("entries", -1), ("version", True), ("plan", None),
                                              ("objects", {}), ("detail", 5)])
def test_event_fields_are_checked(field: str, value: Any) -> None:
    assert code_of(lambda: wire.decode_event(payload(EVENT, **{field: value}), "s")) == "bad-message"
