"""The wire format's limits and field checks, boundary by boundary (mutation testing found them
untested): prefetch and inline bounds, manifest fields, commands, key rings, parts, presence."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signage.contract import wire
from signage.contract.keys import RingKey, SigningKey, TrustedKeys

KEY = SigningKey(Ed25519PrivateKey.generate())
NEW = SigningKey(Ed25519PrivateKey.generate())
TRUSTED = TrustedKeys({KEY.id: KEY.public})


def ids(n: int) -> list[str]:
    return [f"{i:064x}" for i in range(n)]


def signed(**body: object) -> bytes:
    base = {"schema": wire.SCHEMA, "type": "manifest", "screen": "s", "version": 3, "plan": "a" * 64,
            "issued": "2026-11-27T02:00:00+00:00", "key": KEY.id}
    base.update(body)
    base = {k: v for k, v in base.items() if v is not None}
    return wire.canonical({**base, "sig": KEY.sign(wire.canonical(base))})


def code_of(call) -> str:
    with pytest.raises(wire.WireError) as refused:
        call()
    return refused.value.code


# -- constants and small helpers ----------------------------------------------------------------


def test_the_documented_limits() -> None:
    assert (wire.MAX_PREFETCH, wire.MAX_INLINE) == (64, 32 * 1024)
    assert dt.timedelta(minutes=5) == wire.COMMAND_MAX_AGE
    assert wire.SCHEMA == "1.1" and wire.PART_MAGIC == b"signage-part/1\n"
    assert wire.canonical({"b": 1, "a": "政"}) == '{"a":"政","b":1}'.encode()
    assert wire.digest(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    stamp = dt.datetime.fromisoformat(wire.now_iso())
    assert stamp.tzinfo is not None and stamp.microsecond == 0


def test_error_keeps_code_and_detail() -> None:
    error = wire.WireError("bad-json", "broken")
    assert (error.code, error.detail, str(error)) == ("bad-json", "broken", "bad-json: broken")


# -- prefetch and inline ------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "carried"), [(1, True), (64, True), (65, False)])
def test_prefetch_is_carried_up_to_its_limit(count: int, carried: bool) -> None:
    manifest = json.loads(wire.encode_manifest("s", 1, "a" * 64, KEY, prefetch=ids(count)[::-1]))
    assert ("prefetch" in manifest) is carried
    if carried:
        assert manifest["prefetch"] == ids(count)  # sorted


def _json_object(size: int) -> tuple[str, bytes]:
    pad = size - len(b'{"schema":"1.0","type":"x","pad":""}')
    return wire.encode_object({"type": "x", "pad": "y" * pad})


@pytest.mark.parametrize(("size", "carried"), [(32 * 1024, True), (32 * 1024 + 1, False)])
def test_inline_objects_are_carried_up_to_32_kib_in_all(size: int, carried: bool) -> None:
    object_id, payload = _json_object(size)
    assert len(payload) == size
    manifest = json.loads(wire.encode_manifest("s", 1, "a" * 64, KEY, prefetch=[object_id],
                                               inline={object_id: payload}))
    assert ("inline" in manifest) is carried


def test_binary_parts_are_never_inlined() -> None:
    (_, _), parts = wire.encode_parts(b"png bytes", "image/png")
    part_id, part = parts[0]
    manifest = json.loads(wire.encode_manifest("s", 1, "a" * 64, KEY, prefetch=[part_id],
                                               inline={part_id: part}))
    assert "inline" not in manifest and manifest["prefetch"] == [part_id]


def test_decoded_prefetch_keeps_only_object_ids_and_at_most_64() -> None:
    hints = [*ids(70), "short", 7]
    manifest = wire.decode_manifest(signed(prefetch=hints), TRUSTED, "s")
    assert manifest.prefetch == tuple(ids(64))
    assert wire.decode_manifest(signed(prefetch=["x" * 63, "y" * 65, "z" * 64]), TRUSTED, "s").prefetch == (
        "z" * 64,)
    assert wire.decode_manifest(signed(prefetch="a" * 64), TRUSTED, "s").prefetch == ()


@pytest.mark.parametrize("carried", [["not", "a", "mapping"], {"a" * 64: 5}])
def test_inline_must_be_a_mapping_of_text(carried: object) -> None:
    assert code_of(lambda: wire.decode_manifest(signed(inline=carried), TRUSTED, "s")) == "bad-manifest"


# -- manifest fields ----------------------------------------------------------------------------


def test_a_genuine_hand_built_manifest_decodes() -> None:
    manifest = wire.decode_manifest(signed(), TRUSTED, "s")
    assert (manifest.screen, manifest.version, manifest.plan, manifest.issued) == (
        "s", 3, "a" * 64, "2026-11-27T02:00:00+00:00")
    assert manifest.payload == signed() and manifest.inline == ()


@pytest.mark.parametrize(("fields", "code"), [
    ({"type": "plan"}, "wrong-screen"),
    ({"screen": "t"}, "wrong-screen"),
    ({"version": 0}, "bad-manifest"),
    ({"version": -1}, "bad-manifest"),
    ({"version": "3"}, "bad-manifest"),
    ({"version": None}, "bad-manifest"),
    ({"plan": "a" * 63}, "bad-manifest"),
    ({"plan": "a" * 65}, "bad-manifest"),
    ({"plan": 5}, "bad-manifest"),
])
def test_manifest_fields_are_checked(fields: dict[str, object], code: str) -> None:
    assert code_of(lambda: wire.decode_manifest(signed(**fields), TRUSTED, "s")) == code


def test_version_one_is_the_first() -> None:
    assert wire.decode_manifest(signed(version=1), TRUSTED, "s").version == 1


def test_a_non_string_signature_is_a_bad_signature() -> None:
    body = json.loads(signed())
    body["sig"] = 12345
    assert code_of(lambda: wire.decode_manifest(wire.canonical(body), TRUSTED, "s")) == "bad-signature"


def test_a_rotated_out_key_is_expired_not_unknown() -> None:
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    retired = TrustedKeys({KEY.id: KEY.public}, {KEY.id: past})
    assert code_of(lambda: wire.decode_manifest(signed(), retired, "s")) == "expired-key"


# -- payload parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(("payload", "code"), [
    (b"[]", "bad-json"),
    (b'"text"', "bad-json"),
    (b"{", "bad-json"),
    (b'{"type":"x"}', "unknown-schema"),
    (b'{"schema":1,"type":"x"}', "unknown-schema"),
    (b'{"schema":"2.0","type":"x"}', "unknown-schema"),
    (b'{"schema":"10.0","type":"x"}', "unknown-schema"),
])
def test_parse_refuses(payload: bytes, code: str) -> None:
    assert code_of(lambda: wire.decode_message(payload)) == code


def test_a_newer_minor_schema_is_read() -> None:
    assert wire.decode_message(b'{"schema":"1.7","type":"x","new":true}')["new"] is True


def test_payload_size_limit_is_inclusive() -> None:
    room = wire.MAX_PAYLOAD - len(b'{"schema":"1.0","type":"x","p":""}')
    exact = b'{"schema":"1.0","type":"x","p":"' + b"y" * room + b'"}'
    assert len(exact) == wire.MAX_PAYLOAD and wire.decode_message(exact)["type"] == "x"
    over = exact[:-2] + b'y"}'
    assert code_of(lambda: wire.decode_message(over)) == "too-large"
    assert code_of(lambda: wire.verify_hash(over, wire.digest(over))) == "too-large"


def test_objects() -> None:
    _, payload = wire.encode_object({"type": "unit", "id": "a"})
    assert code_of(lambda: wire.decode_object(payload, "0" * 64)) == "hash-mismatch"
    untyped = wire.canonical({"schema": "1.0", "type": 5})
    assert code_of(lambda: wire.decode_object(untyped, wire.digest(untyped))) == "bad-object"
    (_, index), parts = wire.encode_parts(b"", "image/png")  # an empty file is one empty part
    assert len(parts) == 1 and json.loads(index)["size"] == 0
    assert wire.decode_object(parts[0][1], parts[0][0]) == b""
    (_, index), parts = wire.encode_parts(b"x" * (wire.PART_SIZE + 1), "image/png")
    assert [len(p) - len(wire.PART_MAGIC) for _, p in parts] == [wire.PART_SIZE, 1]


# -- commands -----------------------------------------------------------------------------------


def _command(**changes: object) -> bytes:
    body = {k: v for k, v in json.loads(wire.encode_command("s", "reload", KEY, "c-1")).items() if k != "sig"}
    body.update(changes)
    return wire.canonical({**body, "sig": KEY.sign(wire.canonical(body))})


@pytest.mark.parametrize(("changes", "code"), [
    ({"screen": "t"}, "bad-command"),
    ({"command": "format-disk"}, "bad-command"),
    ({"issued": "yesterday"}, "bad-command"),
    ({"issued": "2026-11-27T10:00:00"}, "bad-command"),  # no time zone
    ({"args": ["x"]}, "bad-command"),
])
def test_command_fields_are_checked(changes: dict[str, object], code: str) -> None:
    assert code_of(lambda: wire.decode_command(_command(**changes), TRUSTED, "s")) == code


def test_a_command_exactly_five_minutes_old_is_still_fresh() -> None:
    payload = _command(args={"x": 1})
    issued = dt.datetime.fromisoformat(json.loads(payload)["issued"])
    command = wire.decode_command(payload, TRUSTED, "s", now=issued + wire.COMMAND_MAX_AGE)
    assert (command.id, command.name, command.issued, command.args) == ("c-1", "reload", issued, {"x": 1})
    assert wire.decode_command(_command(args=None), TRUSTED, "s", now=issued).args == {}


# -- key rings ----------------------------------------------------------------------------------


def _ring(sequence: int = 1, signers: tuple[SigningKey, ...] = (KEY, NEW)) -> bytes:
    until = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    return wire.encode_keyring(sequence, [RingKey(NEW.public), RingKey(KEY.public, until)], list(signers))


def test_a_ring_signed_by_the_old_and_the_new_key_is_taken() -> None:
    ring = wire.decode_keyring(_ring(), TRUSTED)
    assert ring.sequence == 1 and [k.id for k in ring.keys] == [NEW.id, KEY.id]
    assert ring.keys[0].until is None and ring.keys[1].until == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_a_ring_signed_only_by_keys_it_lists_is_unknown() -> None:
    assert code_of(lambda: wire.decode_keyring(_ring(signers=(NEW,)), TRUSTED)) == "unknown-key"


@pytest.mark.parametrize("mutate", [
    lambda body: body.update(sigs={}),
    lambda body: body.update(sigs=None),
    lambda body: body["sigs"].update({NEW.id: 5}),
    lambda body: body["sigs"].update({NEW.id: body["sigs"][KEY.id]}),  # a valid-looking, wrong one
    lambda body: body.update(sequence=2),
])
def test_a_tampered_or_unsigned_ring_is_refused(mutate) -> None:
    body = json.loads(_ring())
    mutate(body)
    assert code_of(lambda: wire.decode_keyring(wire.canonical(body), TRUSTED)) == "bad-signature"


@pytest.mark.parametrize("changes", [
    {"type": "manifest"}, {"sequence": 0}, {"sequence": "1"}, {"keys": []}, {"keys": "k"},
    {"keys": [{"public": "not base64 key"}]}, {"keys": [{"until": "2030-01-01"}]},
    {"keys": [{"public": None}]},
])
def test_malformed_rings(changes: dict[str, object]) -> None:
    body = {k: v for k, v in json.loads(_ring()).items()}
    if "keys" in changes and isinstance(changes["keys"], list) and changes["keys"]:
        entry = {**body["keys"][0], **changes["keys"][0]}
        changes = {"keys": [entry]}
    body.update(changes)
    assert code_of(lambda: wire.read_keyring(wire.canonical(body))) == "bad-keyring"


def test_a_ring_end_needs_its_time_zone() -> None:
    body = json.loads(_ring())
    body["keys"][1]["until"] = "2030-01-01T00:00:00"
    assert code_of(lambda: wire.read_keyring(wire.canonical(body))) == "bad-keyring"


def test_only_the_first_16_ring_entries_are_read() -> None:
    keys = [RingKey(SigningKey(Ed25519PrivateKey.generate()).public) for _ in range(20)]
    assert len(wire.read_keyring(wire.encode_keyring(1, keys, [KEY])).keys) == 16


# -- presence -----------------------------------------------------------------------------------


def test_presence() -> None:
    assert wire.is_online(wire.encode_presence("s", True)) is True
    assert wire.is_online(wire.encode_presence("s", False)) is False
    assert wire.is_online(wire.encode_message("status", screen="s")) is None
    assert wire.is_online(b"garbage") is None
    assert json.loads(wire.encode_presence("s", True)) == {"schema": "1.1", "type": "presence",
                                                          "client": "s", "state": "online"}


# -- boundaries mutation testing found open -------------------------------------------------------


def test_tree_plans_start_at_minor_one() -> None:
    assert wire.TREE_MINOR == 1 and wire.SCHEMA_MAJOR == 1


def test_small_payloads_pass_the_size_check() -> None:
    for kind in wire.SIZE_LIMITS:
        wire.check_size(kind, b"")
        wire.check_size(kind, b"{}")


@pytest.mark.parametrize("schema", ["0.9", "0.1", "2.0", "10.0", ".1", ""])
def test_another_major_schema_is_refused(schema: str) -> None:
    raw = json.dumps({"schema": schema, "type": "x"}).encode()
    assert code_of(lambda: wire.decode_message(raw)) == "unknown-schema"


def test_an_empty_file_is_one_part() -> None:
    (_, index), parts = wire.encode_parts(b"", "image/png")
    assert len(parts) == 1 and json.loads(index)["parts"] == [parts[0][0]]
    assert wire.decode_object(parts[0][1], parts[0][0]) == b""


def test_an_object_of_exactly_the_largest_size_verifies() -> None:
    exact = b"x" * wire.MAX_PAYLOAD
    wire.verify_hash(exact, wire.digest(exact))


def test_a_manifest_keeps_the_issue_time_it_is_given() -> None:
    given = json.loads(wire.encode_manifest("s", 3, "a" * 64, KEY, issued="2026-11-27T02:00:00+00:00"))
    assert given["issued"] == "2026-11-27T02:00:00+00:00"
    fresh = json.loads(wire.encode_manifest("s", 3, "a" * 64, KEY))
    assert dt.datetime.fromisoformat(fresh["issued"]).tzinfo is not None


def test_a_lone_surrogate_cannot_carry_a_signature() -> None:
    body = json.loads(signed())
    raw = wire.canonical(body).replace(b'"screen":"s"', b'"screen":"s","x":"\\ud800"')
    assert code_of(lambda: wire.decode_manifest(raw, TRUSTED, "s")) == "bad-signature"


@pytest.mark.parametrize(("fields", "code"), [
    ({"type": "a"}, "wrong-screen"), ({"type": "zzz"}, "wrong-screen"),
    ({"screen": "a"}, "wrong-screen"), ({"screen": "t"}, "wrong-screen"),
])
def test_a_manifest_of_another_type_or_screen_either_side_is_refused(fields, code) -> None:
    assert code_of(lambda: wire.decode_manifest(signed(**fields), TRUSTED, "s")) == code


@pytest.mark.parametrize(("version", "ok"), [(0, False), (1, True), (2, True),
                                             (wire.MAX_VERSION, True), (wire.MAX_VERSION + 1, False),
                                             (-1, False), (True, False), ("3", False)])
def test_version_bounds_in_full_and_claimed(version: object, ok: bool) -> None:
    payload = signed(version=version)
    assert wire.claimed_version(payload) == (version if ok else None)
    if ok:
        assert wire.decode_manifest(payload, TRUSTED, "s").version == version
    else:
        assert code_of(lambda: wire.decode_manifest(payload, TRUSTED, "s")) == "bad-manifest"


def test_a_command_without_args_carries_an_empty_mapping() -> None:
    assert json.loads(wire.encode_command("s", "reload", KEY, "c-1"))["args"] == {}


@pytest.mark.parametrize("screen", ["a", "t", "s2"])
def test_a_command_for_another_screen_either_side_is_refused(screen: str) -> None:
    payload = wire.encode_command(screen, "reload", KEY, "c-1")
    assert code_of(lambda: wire.decode_command(payload, TRUSTED, "s")) == "bad-command"


@pytest.mark.parametrize("kind", ["a", "zzz"])
def test_a_ring_of_another_type_either_side_is_refused(kind: str) -> None:
    body = json.loads(_ring())
    body["type"] = kind
    assert code_of(lambda: wire.read_keyring(wire.canonical(body))) == "bad-keyring"


def test_a_ring_also_signed_by_a_stranger_is_refused() -> None:
    """A key neither trusted nor listed signing alongside the trusted one voids the ring."""
    stranger = SigningKey(Ed25519PrivateKey.generate())
    assert code_of(lambda: wire.decode_keyring(_ring(signers=(KEY, NEW, stranger)), TRUSTED)) \
        == "bad-signature"


def test_a_ring_whose_trusted_signature_is_wrong_is_a_bad_signature() -> None:
    body = json.loads(_ring(signers=(KEY,)))
    body["sigs"][KEY.id] = body["sigs"][KEY.id][::-1]
    assert code_of(lambda: wire.decode_keyring(wire.canonical(body), TRUSTED)) == "bad-signature"
