"""The wire format and topic scheme on their own: encode, sign, decode, refuse."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from signage.contract import wire
from signage.contract.keys import SigningKey, TrustedKeys
from signage.contract.topics import Topics

KEY = SigningKey(Ed25519PrivateKey.generate())
TRUSTED = TrustedKeys({KEY.id: KEY.public})


def test_objects_are_canonical_and_content_addressed() -> None:
    first = wire.encode_object({"type": "unit", "name": "台安县交通运输局", "id": "jiaotong"})
    second = wire.encode_object({"id": "jiaotong", "name": "台安县交通运输局", "type": "unit"})
    assert first == second
    object_id, payload = first
    assert wire.digest(payload) == object_id
    assert "台安县交通运输局".encode() in payload  # UTF-8, not \\u escapes
    assert wire.decode_object(payload, object_id)["schema"] == wire.SCHEMA


def test_binary_parts_round_trip_and_say_their_schema() -> None:
    data = bytes(range(256)) * 3000  # 768 kB: three parts
    (blob_id, blob), parts = wire.encode_parts(data, "image/png")
    assert len(parts) == 3 and all(p.startswith(wire.PART_MAGIC) for _, p in parts)
    index = wire.decode_object(blob, blob_id)
    assert index["parts"] == [part_id for part_id, _ in parts]
    assert b"".join(wire.decode_object(p, i) for i, p in parts) == data


def test_manifest_round_trip_with_prefetch_and_inline() -> None:
    object_id, payload = wire.encode_object({"type": "announcement", "text": "元旦放假通知"})
    signed = wire.encode_manifest("lobby-led", 7, "a" * 64, KEY, prefetch=[object_id],
                                  inline={object_id: payload})
    manifest = wire.decode_manifest(signed, TRUSTED, "lobby-led")
    assert (manifest.version, manifest.plan, manifest.prefetch) == (7, "a" * 64, (object_id,))
    assert manifest.inline == ((object_id, payload),)


def test_large_inline_objects_are_left_to_the_broker() -> None:
    big = {f"{n:064x}": b'{"schema":"1.0","type":"x","pad":"' + b"y" * 9000 + b'"}' for n in range(5)}
    signed = wire.encode_manifest("lobby-led", 1, "a" * 64, KEY, prefetch=list(big), inline=big)
    assert "inline" not in json.loads(signed)


def test_inline_object_must_match_its_id_even_when_signed() -> None:
    signed = wire.encode_manifest("lobby-led", 2, "a" * 64, KEY,
                                  inline={"b" * 64: b'{"schema":"1.0","type":"plan"}'})
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(signed, TRUSTED, "lobby-led")
    assert refused.value.code == "hash-mismatch"


@pytest.mark.parametrize(("screen", "code"), [("other-screen", "wrong-screen")])
def test_manifest_for_another_screen_is_refused(screen: str, code: str) -> None:
    signed = wire.encode_manifest(screen, 3, "a" * 64, KEY)
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(signed, TRUSTED, "lobby-led")
    assert refused.value.code == code


def test_topics_build_and_parse() -> None:
    topics = Topics("signage/v1")
    assert topics.parse(topics.manifest("lobby-led")) == ("manifest", "lobby-led")
    assert topics.parse(topics.object("f" * 64)) == ("obj", "f" * 64)
    for bad in ("signage/v1/obj/xyz", "other/v1/screen/a/manifest", "signage/v1/screen/A B/x"):
        with pytest.raises(ValueError):
            topics.parse(bad)
    for bad_id in ("Lobby", "a/b", "+", "#", "", "a" * 64):
        with pytest.raises(ValueError):
            topics.manifest(bad_id)


# -- the trust path at the wire itself (not only end to end) -------------------------------------

OTHER = SigningKey(Ed25519PrivateKey.generate())


def _resigned(payload: bytes, signer: SigningKey, **changes: object) -> bytes:
    body = {k: v for k, v in json.loads(payload).items() if k != "sig"}
    body.update(changes)
    return wire.canonical({**body, "sig": signer.sign(wire.canonical(body))})


def test_a_genuine_manifest_verifies() -> None:  # the refusals below differ from this in one thing
    signed = wire.encode_manifest("lobby-led", 5, "c" * 64, KEY)
    assert wire.decode_manifest(signed, TRUSTED, "lobby-led").version == 5


@pytest.mark.parametrize("field", ["version", "plan", "screen", "issued", "prefetch"])
def test_any_signed_field_changed_breaks_the_signature(field: str) -> None:
    signed = json.loads(wire.encode_manifest("lobby-led", 5, "c" * 64, KEY, prefetch=["d" * 64]))
    signed[field] = {"version": 6, "plan": "e" * 64, "screen": "lobby-led2",
                     "issued": "2030-01-01T00:00:00+00:00",
                     "prefetch": ["f" * 64]}[field]
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(wire.canonical(signed), TRUSTED, "lobby-led")
    assert refused.value.code == "bad-signature"


def test_a_flipped_signature_bit_is_refused() -> None:
    signed = json.loads(wire.encode_manifest("lobby-led", 5, "c" * 64, KEY))
    raw = bytearray(base64.b64decode(signed["sig"]))
    raw[0] ^= 1
    signed["sig"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(wire.canonical(signed), TRUSTED, "lobby-led")
    assert refused.value.code == "bad-signature"


def test_another_key_claiming_the_trusted_key_id_is_refused() -> None:
    forged = _resigned(wire.encode_manifest("lobby-led", 9, "c" * 64, OTHER), OTHER, key=KEY.id)
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(forged, TRUSTED, "lobby-led")
    assert refused.value.code == "bad-signature"
    with pytest.raises(wire.WireError) as unknown:
        wire.decode_manifest(wire.encode_manifest("lobby-led", 9, "c" * 64, OTHER), TRUSTED, "lobby-led")
    assert unknown.value.code == "unknown-key"


def test_a_missing_signature_is_refused() -> None:
    body = {k: v for k, v in json.loads(wire.encode_manifest("lobby-led", 5, "c" * 64, KEY)).items()
            if k != "sig"}
    with pytest.raises(wire.WireError) as refused:
        wire.decode_manifest(wire.canonical(body), TRUSTED, "lobby-led")
    assert refused.value.code in {"bad-signature", "bad-manifest"}


def _issued(payload: bytes) -> dt.datetime:
    return dt.datetime.fromisoformat(json.loads(payload)["issued"])


@pytest.mark.parametrize(("offset", "accepted"), [
    (dt.timedelta(0), True),
    (dt.timedelta(minutes=4, seconds=50), True),  # a little late: still fresh
    (-dt.timedelta(minutes=4, seconds=50), True),  # the issuer's clock a little ahead
    (dt.timedelta(minutes=5, seconds=10), False),  # older than five minutes: a replay
    (-dt.timedelta(minutes=5, seconds=10), False),  # dated in the future: would never expire
    (-dt.timedelta(days=365), False),
])
def test_commands_are_fresh_both_ways(offset: dt.timedelta, accepted: bool) -> None:
    payload = wire.encode_command("lobby-led", "reload", KEY, "c-1")
    now = _issued(payload) + offset
    if accepted:
        assert wire.decode_command(payload, TRUSTED, "lobby-led", now=now).name == "reload"
    else:
        with pytest.raises(wire.WireError) as refused:
            wire.decode_command(payload, TRUSTED, "lobby-led", now=now)
        assert refused.value.code == "stale-command"


def test_a_command_for_another_screen_or_tampered_is_refused() -> None:
    payload = wire.encode_command("lobby-led", "reload", KEY, "c-2")
    now = _issued(payload)
    with pytest.raises(wire.WireError) as other:
        wire.decode_command(payload, TRUSTED, "hall-kiosk", now=now)
    assert other.value.code == "bad-command"
    tampered = json.loads(payload)
    tampered["command"] = "screenshot"
    with pytest.raises(wire.WireError) as changed:
        wire.decode_command(wire.canonical(tampered), TRUSTED, "lobby-led", now=now)
    assert changed.value.code == "bad-signature"
