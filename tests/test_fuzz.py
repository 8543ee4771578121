"""Fuzzing with hypothesis: hostile input is refused, never crashes, never blanks a screen.

Four surfaces, each with generated input (budgets: the "ci" and "nightly" profiles in conftest):

1. Wire decoders (``signage/contract/wire.py``): arbitrary bytes, arbitrary JSON, schema-shaped JSON and
   mutations of real signed manifests, commands, key rings and objects. A decoder returns a valid
   value or raises ``WireError``; a signed payload whose body changed never verifies.
2. The player runtime: after a real version is on screen, sequences of hostile messages on its
   topics. Nothing escapes ``_on_message``, the screen keeps the last good plan, the version only
   changes for a validly signed newer manifest, the disk cache always loads a complete version, and
   afterwards a genuine newer version still gets through.
3. Content YAML: random bytes and text, power/notice/announcement mappings with random values, and
   mutated copies of a real sample unit file, next to a good unit: the check never raises, the
   broken file is named in findings, the good unit still loads.
4. Hostile object ids, topics and asset paths (``..``, absolute paths, NUL, very long): refused
   by the object store, the cache's resolver and ``Topics``, nothing written outside the cache
   folder; flowchart image paths in content never reach a file outside the content folder.

Pathological inputs the generators cannot produce (numbers past Python's 4300-digit limit,
nesting past the encoder's recursion limit, payloads signed but malformed, key rings re-encoded)
have tests of their own at the end of each section: each was a crash the fuzzing found.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import functools
import io
import json
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ANNOUNCEMENT, NOTICE, POWER, REPO, TODAY, UNIT, ContentFactory, dump, patched
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from harness import LAYOUT, SCREENS
from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st
from PIL import Image

from players.cache import PlayerCache
from players.plan import Incomplete, Plan, resolve
from players.runtime import PlayerConfig, Runtime
from signage.catalogue import schema
from signage.catalogue.checking import CheckResult, check_content
from signage.catalogue.yamlsource import LocatedDict, SourceDocument, read_yaml
from signage.contract import wire
from signage.contract.connection import Message
from signage.contract.keys import RingKey, SigningKey, TrustedKeys
from signage.contract.objectstore import ObjectStore
from signage.contract.topics import OBJECT_ID, Topics, valid_screen_id
from signage.publishing.plans import build_fleet
from signage.publishing.screens import load_screens

SCREEN = "lobby-led"
OTHER_SCREEN = "hall-kiosk"
TOPICS = Topics()
GOOD_VERSION = 5  # the version on screen before the hostile messages
LIVENESS_VERSION = 10**6  # a genuine version sent after them: it must still get through
KEY = SigningKey(Ed25519PrivateKey.generate())  # the publisher's key, trusted by the players
FORGER = SigningKey(Ed25519PrivateKey.generate())  # an outsider's key
TRUSTED = TrustedKeys({KEY.id: KEY.public})
WIRE_CODE = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
NOW = "\u0000now\u0000"  # placeholder for "issued" in command bodies, filled in when signing
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def budget(share: float) -> int:
    """This test's examples: a share of the profile's max_examples (ci, or 20x that for nightly)."""
    return max(5, round(settings.default.max_examples * share))


# --- JSON strategies ------------------------------------------------------------------------

UNICODE = st.sampled_from([
    "政务公开", "\u202e\u202d", "\ufeff", "\x00", "\U0001d518", "e\u0301", "ｓｃｈｅｍａ", "\u2028",
    "🀄", "\\u0000", "\r\n", "\u00a0", "﷽" * 40,
])
TEXT = st.one_of(st.text(max_size=24), UNICODE)  # lone surrogates: test_pathological_json
# Huge, but within Python's 4300-digit int limit (see test_pathological_json_is_a_wire_error).
HUGE = st.sampled_from([2**63, -(2**63) - 1, 2**64 + 1, 10**100, -(10**300), 10**4000 // 10**3700])
NUMBERS = st.one_of(st.integers(), HUGE, st.floats(allow_nan=True, allow_infinity=True))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
HEX64 = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
SCHEMAS = st.sampled_from(["2.0", "0.9", "1", "1.0.0", "10.0", "１.0", " 1.0", "", "1.", "2", "01.0",
                           1, 1.0, None, True, [], {}])
STYLES = st.sampled_from(["canonical", "ascii", "pretty", "utf-16", "utf-32"])


def encode_json(value: Any, style: str) -> bytes:
    """``value`` as JSON bytes the way some client might write it (the wire takes UTF-8 only)."""
    if style == "canonical":
        return wire.canonical(value)
    if style == "pretty":
        return json.dumps(value, indent=1, ensure_ascii=False).encode("utf-8")
    text = json.dumps(value)
    return text.encode("ascii") if style == "ascii" else text.encode(style)


def _slots(value: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) holding a value, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            yield value, key
            yield from _slots(value[key])
    elif isinstance(value, list):
        for index in range(len(value)):
            yield value, index
            yield from _slots(value[index])


def _other_types(value: Any) -> list[Any]:
    return [str(value), [value], {"value": value}, None, 0, -1, "", [], {}, True, 1.5]


MUTATIONS = ("delete", "replace", "retype", "deepen", "unicode", "huge", "add", "schema")


@st.composite
def mutated(draw: st.DrawFn, original: dict[str, Any], keep: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``original`` with 1-3 changes: fields deleted, replaced by other JSON types, huge numbers,
    unicode, deep nesting (up to 200 levels), a wrong schema major, unknown fields. Top-level
    fields in ``keep`` are left alone."""
    obj = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(MUTATIONS))
        slots = [(c, k) for c, k in _slots(obj) if not (c is obj and k in keep)]
        if op == "schema" and "schema" not in keep:
            obj["schema"] = copy.deepcopy(draw(SCHEMAS))  # SCHEMAS holds a shared [] and {}
            continue
        if op == "add" or not slots:
            targets = [obj, *(c[k] for c, k in slots if isinstance(c[k], dict))]
            target = draw(st.sampled_from(targets))
            target[draw(TEXT)] = draw(JSON)
            continue
        container, key = draw(st.sampled_from(slots))
        old = container[key]
        if op == "delete":
            del container[key]
        elif op == "replace":
            container[key] = draw(JSON)
        elif op == "retype":
            container[key] = draw(st.sampled_from(_other_types(old)))
        elif op == "deepen":
            wrap = draw(st.sampled_from(["list", "dict"]))
            for _ in range(draw(st.integers(1, 200))):  # deeper: see test_pathological_json
                old = [old] if wrap == "list" else {"v": old}
            container[key] = old
        elif op == "unicode":
            text = str(old)
            at = draw(st.integers(0, len(text)))
            container[key] = text[:at] + draw(UNICODE) + text[at:]
        else:
            container[key] = draw(st.one_of(HUGE, st.floats(allow_nan=True, allow_infinity=True)))
    return obj


def signed_part(body: dict[str, Any], signatures: str = "sig") -> bytes:
    """The canonical bytes a signature covers: every field but the signature(s)."""
    return wire.canonical({k: v for k, v in body.items() if k != signatures})


def fill_now(value: Any, now: str) -> Any:
    if value == NOW:
        return now
    if isinstance(value, dict):
        return {k: fill_now(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_now(v, now) for v in value]
    return value


def signed(body: dict[str, Any], key: SigningKey = KEY) -> bytes:
    """``body`` (``sig`` dropped, NOW filled in) signed as the wire format signs manifests and
    commands: Ed25519 over the canonical JSON of every other field."""
    fields = fill_now({k: v for k, v in body.items() if k != "sig"}, wire.now_iso())
    return wire.canonical({**fields, "sig": key.sign(wire.canonical(fields))})


# --- the world: two real content versions, built by the real planner ---------------------------


@dataclass
class World:
    objects_a: dict[str, bytes]
    plan_a: str
    objects_b: dict[str, bytes]
    plan_b: str
    manifest_a: bytes  # signed, GOOD_VERSION, plan A
    bases: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → a valid JSON body
    all_ids: list[str] = field(default_factory=list)

    def objects(self) -> dict[str, bytes]:
        return {**self.objects_a, **self.objects_b}

    def newer(self, version: int, plan: str, prefetch: bool, inline: bool) -> bytes:
        """A genuine signed manifest, optionally with the publisher's prefetch and inline hints."""
        new = [o for o in self.objects_b if o not in self.objects_a] if plan == self.plan_b else []
        carried = {o: self.objects_b[o] for o in new} if inline else None
        return wire.encode_manifest(SCREEN, version, plan, KEY, prefetch=new if prefetch else None,
                                    inline=carried)


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _build(root: Path, screens: Path) -> tuple[dict[str, bytes], str, dict[str, bytes]]:
    """(the screen's objects, its plan id, every screen's objects) of a real build."""
    build = build_fleet(check_content(root, today=TODAY), load_screens(screens), TODAY)
    return {o: build.objects[o] for o in build.uses[SCREEN]}, build.roots[SCREEN], build.objects


@functools.cache
def world() -> World:
    """Built once, on first use: content → check → plan → objects, exactly as a publish does."""
    with tempfile.TemporaryDirectory(prefix="fuzz-world-") as tmp:
        root = Path(tmp)
        screens = root / "layouts"
        screens.mkdir()
        (screens / "screens.yaml").write_text(SCREENS, "utf-8")
        (screens / "led-test.yaml").write_text(LAYOUT, "utf-8")
        objects_a, plan_a, _ = _build(ContentFactory(root / "a").write(), screens)
        second = patched(POWER, {"code": "CSJ-XK-002", "name": "乡村建设规划许可证核发",
                                 "flowchart": {"image": "images/flow.png"}})
        objects_b, plan_b, every = _build(ContentFactory(root / "b").write(
            powers=[POWER, second],
            announcements=[patched(ANNOUNCEMENT, {"text": "政务服务中心周六照常办公。"})],
            files={"units/demo/images/flow.png": png(40, 30)}), screens)
    assert plan_a in objects_a and plan_b in objects_b and plan_a != plan_b
    assert any(p.startswith(wire.PART_MAGIC) for p in objects_b.values())  # a binary part too
    w = World(objects_a, plan_a, objects_b, plan_b,
              wire.encode_manifest(SCREEN, GOOD_VERSION, plan_a, KEY))
    w.all_ids = sorted(w.objects())
    for payload in every.values():
        if not payload.startswith(wire.PART_MAGIC):
            body = json.loads(payload)
            w.bases.setdefault(body["type"], body)
    w.bases["manifest"] = json.loads(w.newer(GOOD_VERSION + 1, plan_b, True, True))
    command = json.loads(wire.encode_command(SCREEN, "identify", KEY, "c-1", {"seconds": 5}))
    w.bases["command"] = {**command, "issued": NOW}
    w.bases["keyring"] = json.loads(wire.encode_keyring(3, [RingKey(KEY.public)], [KEY]))
    w.bases["status"] = json.loads(wire.encode_message("status", screen=SCREEN, version=5, error=None))
    w.bases["presence"] = json.loads(wire.encode_presence(SCREEN, True))
    assert set(BASE_KINDS) <= set(w.bases)
    return w


BASE_KINDS = ("manifest", "command", "keyring", "plan", "chunk", "unit", "power", "notice",
              "announcement", "blob", "status", "presence")


def base_mutations(kinds: tuple[str, ...] = BASE_KINDS, keep: frozenset[str] = frozenset()) -> Any:
    """(kind, original body, mutated body) for a real payload of one of ``kinds``."""
    return st.sampled_from(kinds).flatmap(
        lambda kind: st.tuples(st.just(kind), st.just(world().bases[kind]),
                               mutated(world().bases[kind], keep)))


# --- 1. wire decoders ---------------------------------------------------------------------------

DECODERS: dict[str, Callable[[bytes], Any]] = {
    "manifest": lambda p: wire.decode_manifest(p, TRUSTED, SCREEN),
    "command": lambda p: wire.decode_command(p, TRUSTED, SCREEN),
    "object": lambda p: wire.decode_object(p, wire.digest(p)),
    "object-elsewhere": lambda p: wire.decode_object(p, "0" * 64),
    "message": wire.decode_message,
    "keyring-contents": wire.read_keyring,
    "keyring": lambda p: wire.decode_keyring(p, TRUSTED),
}


def decode_all(payload: bytes) -> dict[str, Any]:
    """Every decoder on ``payload``: what each returned, or the WireError it raised. Any other
    exception propagates and fails the test. Successful results are checked for sanity."""
    results: dict[str, Any] = {}
    for name, decode in DECODERS.items():
        try:
            results[name] = decode(payload)
        except wire.WireError as exc:
            assert WIRE_CODE.fullmatch(exc.code), exc.code
            assert isinstance(exc.detail, str)
            results[name] = exc
    assert wire.is_online(payload) in (None, True, False)
    elsewhere = results["object-elsewhere"]
    assert isinstance(elsewhere, wire.WireError) and elsewhere.code in ("hash-mismatch", "too-large")
    manifest = results["manifest"]
    if isinstance(manifest, wire.Manifest):
        assert manifest.screen == SCREEN and isinstance(manifest.version, int) and manifest.version >= 1
        assert isinstance(manifest.plan, str) and len(manifest.plan) == 64
        assert all(isinstance(h, str) and len(h) == 64 for h in manifest.prefetch)
        assert all(wire.digest(data) == oid for oid, data in manifest.inline)
    command = results["command"]
    if isinstance(command, wire.Command):
        assert command.name in wire.COMMANDS and command.issued.tzinfo is not None
    obj = results["object"]
    if not isinstance(obj, wire.WireError):
        assert (isinstance(obj, bytes) and payload.startswith(wire.PART_MAGIC)) or \
            (isinstance(obj, dict) and isinstance(obj.get("type"), str))
    for name in ("keyring-contents", "keyring"):
        if not isinstance(results[name], wire.WireError):
            assert results[name].sequence >= 1 and results[name].keys
    return results


def assert_refused(result: Any, *codes: str) -> None:
    assert isinstance(result, wire.WireError), f"accepted: {result!r:.200}"
    if codes:
        assert result.code in codes, result.code


def unsigned(results: dict[str, Any]) -> None:
    """Nothing without the publisher's signature is accepted as signed."""
    for name in ("manifest", "command", "keyring"):
        assert_refused(results[name])


PAYLOADS = st.one_of(
    st.binary(max_size=2048),
    st.binary(max_size=256).map(lambda b: wire.PART_MAGIC + b),
    st.binary(max_size=256).map(lambda b: b'{"schema":"1.0",' + b),
    st.binary(max_size=64).map(lambda b: b"\xef\xbb\xbf" + b),
)


@settings(max_examples=budget(1.0), suppress_health_check=SLOW)
@given(payload=PAYLOADS)
def test_decoders_refuse_arbitrary_bytes(payload: bytes) -> None:
    unsigned(decode_all(payload))


HEX_LISTS = st.lists(HEX64, max_size=4)
ENVELOPES = st.fixed_dictionaries(
    {"schema": st.one_of(st.just("1.0"), st.just("1.7"), SCHEMAS),
     "type": st.one_of(st.sampled_from(["manifest", "command", "keyring", "plan", "chunk", "blob",
                                        "presence", "status"]), JSON),
     "key": st.one_of(st.just(KEY.id), st.just(FORGER.id), JSON),
     "sig": st.one_of(st.binary(min_size=64, max_size=64).map(lambda b: base64.b64encode(b).decode()),
                      TEXT, JSON)},
    optional={
        "screen": st.one_of(st.just(SCREEN), st.just(OTHER_SCREEN), JSON),
        "version": st.one_of(st.integers(-3, 10**20), NUMBERS, JSON),
        "plan": st.one_of(HEX64, JSON),
        "prefetch": st.one_of(HEX_LISTS, JSON),
        "inline": st.one_of(st.dictionaries(HEX64, TEXT, max_size=3), JSON),
        "issued": st.one_of(st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat), JSON),
        "command": st.one_of(st.sampled_from(wire.COMMANDS), JSON),
        "args": JSON, "id": JSON, "state": st.sampled_from(["online", "offline"]),
        "sequence": st.one_of(st.integers(-2, 10), JSON),
        "keys": st.one_of(st.lists(st.fixed_dictionaries(
            {"id": TEXT, "public": st.one_of(st.binary(min_size=32, max_size=32).map(
                lambda b: base64.b64encode(b).decode()), JSON)},
            optional={"until": st.one_of(st.datetimes().map(dt.datetime.isoformat), JSON)}),
            max_size=3), JSON),
        "sigs": st.one_of(st.dictionaries(st.one_of(st.just(KEY.id), TEXT), TEXT, max_size=3), JSON),
        "entries": JSON, "parts": st.one_of(HEX_LISTS, JSON), "units": JSON, "chunks": JSON,
    })


@settings(max_examples=budget(1.0), suppress_health_check=SLOW)
@given(value=st.one_of(JSON, ENVELOPES, st.tuples(ENVELOPES, st.dictionaries(TEXT, JSON, max_size=3))
                       .map(lambda pair: {**pair[1], **pair[0]})), style=STYLES)
def test_decoders_refuse_arbitrary_json(value: Any, style: str) -> None:
    unsigned(decode_all(encode_json(value, style)))


@settings(max_examples=budget(1.5), suppress_health_check=SLOW)
@given(case=base_mutations(), style=STYLES)
def test_decoders_survive_mutations_of_valid_payloads(case: tuple[str, dict, dict], style: str) -> None:
    kind, original, body = case
    now = wire.now_iso()
    original, body = fill_now(original, now), fill_now(body, now)
    if kind == "command":  # its "issued" was just filled in: sign it again, mutations stay
        fresh = json.loads(signed(original))
        if body.get("sig") == original["sig"]:
            body["sig"] = fresh["sig"]
        original = fresh
    payload = encode_json(body, style)
    results = decode_all(payload)
    decoder = kind if kind in ("manifest", "command", "keyring") else "object"
    event(f"{kind}: {getattr(results[decoder], 'code', 'accepted')}")
    if kind in ("manifest", "command") and signed_part(body) != signed_part(original):
        assert_refused(results[kind])  # a changed body never verifies
    if kind == "keyring" and signed_part(body, "sigs") != signed_part(original, "sigs"):
        assert_refused(results["keyring"])
    if kind not in ("manifest", "command", "keyring", "status", "presence"):
        original_id = wire.digest(wire.canonical(original))
        if payload != wire.canonical(original):
            assert_refused(wire_result(lambda: wire.decode_object(payload, original_id)),
                           "hash-mismatch", "too-large")


def wire_result(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except wire.WireError as exc:
        return exc


@settings(max_examples=budget(0.5), suppress_health_check=SLOW)
@given(kind=st.sampled_from(["manifest", "command"]), data=st.data())
def test_changed_field_of_signed_payload_fails_signature(kind: str, data: st.DataObject) -> None:
    """Any one field of a genuine manifest or command changed (schema left valid): refused by the
    signature check itself, whatever the new value."""
    body = json.loads(signed(world().bases[kind]))
    name = data.draw(st.sampled_from(sorted(set(body) - {"sig", "schema"})), label="field")
    value = data.draw(st.one_of(JSON, TEXT, HEX64, st.integers(), st.just(FORGER.id)), label="value")
    assume(wire.canonical(value) != wire.canonical(body[name]))
    body[name] = value
    style = data.draw(STYLES, label="style")
    payload = encode_json(body, style)
    result = wire_result(lambda: DECODERS[kind](payload))
    expected = ("unknown-key", "bad-signature") if name == "key" else ("bad-signature",)
    if len(payload) > wire.size_limit(kind):  # refused on size before it is parsed
        expected = ("too-large",)
    elif style in ("utf-16", "utf-32"):
        expected = ("bad-json",)
    assert_refused(result, *expected)


@settings(max_examples=budget(0.5), suppress_health_check=SLOW)
@given(case=base_mutations(("manifest",), keep=frozenset({"key"})))
def test_signed_but_malformed_manifests_are_refused_cleanly(case: tuple[str, dict, dict]) -> None:
    """Mutated manifests signed again with the trusted key (a buggy publisher): the fields after
    the signature are validated too, without any exception but WireError."""
    _, _, body = case
    decode_all(signed(body))


COMMAND_BASE = {"schema": "1.0", "type": "command", "screen": SCREEN, "command": "identify",
                "id": "c-1", "issued": NOW, "args": {"seconds": 5}, "key": KEY.id}


@settings(max_examples=budget(0.5), suppress_health_check=SLOW, report_multiple_bugs=False)
@example(body={**COMMAND_BASE, "args": [1, 2]})
@example(body={**COMMAND_BASE, "args": "ab"})
@example(body={**COMMAND_BASE, "issued": dt.datetime.now().isoformat()})
@given(body=mutated(COMMAND_BASE, keep=frozenset({"key"})))
def test_signed_but_malformed_commands_are_refused_cleanly(body: dict[str, Any]) -> None:
    decode_all(signed(body))


RING_KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.mark.parametrize("payload", [
    pytest.param(b'{"schema":"1.0","type":"manifest","version":' + b"9" * 5000 + b"}", id="huge-int"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep-list"),
    pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, id="deep-object"),
    pytest.param(wire.canonical({"schema": "1.0", "type": "keyring", "sequence": 1, "key": "K",
                                 "keys": [{"public": RING_KEY}], "sigs": {"K": "c2ln"}, "sig": "c2ln"}
                                ).replace(b'"K"', b'"\\ud800"'), id="lone-surrogate"),
])
def test_pathological_json_is_a_wire_error(payload: bytes) -> None:
    assert len(payload) < wire.MAX_PAYLOAD
    unsigned(decode_all(payload))


# --- 2. the player runtime under hostile messages -------------------------------------------------


class Recorder:
    """A renderer that remembers every plan it was given."""

    kind = "record"

    def __init__(self) -> None:
        self.shown: list[Plan] = []
        self.identified = 0

    def show(self, plan: Plan) -> None:
        self.shown.append(plan)

    def run(self, stop: Any, played: Any) -> None:
        stop.wait()

    def identify(self) -> None:
        self.identified += 1

    def screenshot(self) -> bytes | None:
        return b"\x89PNG\r\n\x1a\n"


def offline_runtime(cache_dir: Path) -> tuple[Runtime, Recorder]:
    """A real Runtime, started (the cached version shown first) but never connected: its
    connection only queues what it publishes, and messages go straight to ``_on_message``."""
    renderer = Recorder()
    runtime = Runtime(PlayerConfig(screen=SCREEN, cache_dir=cache_dir), renderer, TRUSTED)
    runtime.connection.start = lambda: None  # offline: no network thread
    runtime.start()
    return runtime, renderer


def deliver(runtime: Runtime, message: Message) -> None:
    """One incoming message. Topics the player never subscribes to (the broker never sends them)
    may be refused by Topics.parse with ValueError; anything else must not raise."""
    try:
        runtime.topics.parse(message.topic)
    except ValueError:
        with contextlib.suppress(ValueError):
            runtime._on_message(message)
        return
    runtime._on_message(message)


def pump(runtime: Runtime, objects: dict[str, bytes]) -> None:
    """Answer the runtime's subscriptions from ``objects`` until it has all it asked for."""
    for _ in range(50):
        wanted = sorted(runtime.wanted)
        if runtime.pending is None or not wanted or any(o not in objects for o in wanted):
            return
        for object_id in wanted:
            deliver(runtime, Message(TOPICS.object(object_id), objects[object_id], True))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A player cache with version A committed the normal way (manifest, then objects on demand)."""
    w = world()
    cache_dir = tmp_path_factory.mktemp("fuzz-seed") / "cache"
    runtime, renderer = offline_runtime(cache_dir)
    assert runtime.manifest is None and not renderer.shown
    deliver(runtime, Message(TOPICS.manifest(SCREEN), w.manifest_a, True))
    pump(runtime, w.objects_a)
    assert runtime.manifest is not None and runtime.manifest.version == GOOD_VERSION
    assert renderer.shown[-1].plan_id == w.plan_a and renderer.shown[-1].entries
    return cache_dir


@contextlib.contextmanager
def scratch(parent: Path) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def assert_only_cache_files(folder: Path, cache_dir: Path) -> None:
    """Everything below ``folder`` is in the cache folder, objects sit at objects/xx/<their hash>."""
    for path in folder.rglob("*"):
        assert path == cache_dir or cache_dir in path.parents, f"written outside the cache: {path}"
        relative = path.relative_to(cache_dir).parts
        if path.is_file() and relative[0] == "objects":
            assert len(relative) == 3 and OBJECT_ID.fullmatch(relative[2]), path
            assert relative[1] == relative[2][:2] and wire.digest(path.read_bytes()) == relative[2]


WHERE = st.sampled_from(["manifest", "command", "keys", "obj-plan-b", "obj-random", "status", "event",
                         "presence", "screenshot", "other-manifest", "other-command", "publisher"])
VERSIONS = st.one_of(st.integers(GOOD_VERSION + 1, 50), st.integers(-5, GOOD_VERSION))
DAMAGE = st.sampled_from(["none", "none", "flip", "truncate", "append", "swap", "empty", "utf-16"])
HOSTILE_TOPICS = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(["signage", "v1", "obj", "screen", SCREEN, "manifest", "keys",
                                        "command", "..", ".", "", "+", "#", "\x00", "publisher"]),
                       HEX64, TEXT), min_size=1, max_size=6).map("/".join),
    st.tuples(st.sampled_from(["signage/v1/obj/", "signage/v1/screen/", f"signage/v1/screen/{SCREEN}/"]),
              TEXT).map("".join),
)
OPS = st.one_of(
    st.tuples(st.just("raw"), WHERE, st.one_of(st.binary(max_size=512), JSON.map(wire.canonical))),
    st.tuples(st.just("mutated"), base_mutations(("manifest", "command", "keyring")), STYLES),
    st.tuples(st.just("forged"), VERSIONS),
    st.tuples(st.just("replay"), st.integers(1, GOOD_VERSION)),
    st.tuples(st.just("newer"), st.integers(GOOD_VERSION + 1, 50), st.sampled_from("ab"),
              st.booleans(), st.booleans()),
    st.tuples(st.just("dangling"), st.integers(GOOD_VERSION + 1, 50), HEX64),
    st.tuples(st.just("object"), st.integers(0, 1000), DAMAGE),
    st.tuples(st.just("command"), st.sampled_from(wire.COMMANDS),
              st.sampled_from(["signed", "forged", "stale", "future", "other-screen", "tampered"])),
    st.tuples(st.just("keyring"), st.sampled_from(["same-key", "forged", "tampered", "unsigned"]),
              st.integers(1, 6)),
    st.tuples(st.just("topic"), HOSTILE_TOPICS, st.binary(max_size=64)),
    st.tuples(st.just("empty"), WHERE),
)


def _topic(where: str) -> str:
    w = world()
    return {
        "manifest": TOPICS.manifest(SCREEN), "command": TOPICS.command(SCREEN), "keys": TOPICS.keys,
        "obj-plan-b": TOPICS.object(w.plan_b), "obj-random": TOPICS.object("e" * 64),
        "status": TOPICS.status(SCREEN), "event": TOPICS.event(SCREEN),
        "presence": TOPICS.presence(SCREEN), "screenshot": TOPICS.screenshot(SCREEN),
        "other-manifest": TOPICS.manifest(OTHER_SCREEN), "other-command": TOPICS.command(OTHER_SCREEN),
        "publisher": TOPICS.publisher_presence,
    }[where]


def _damaged(payload: bytes, damage: str, other: bytes) -> bytes:
    if damage == "flip":
        return payload[:-1] + bytes([payload[-1] ^ 1])
    if damage == "truncate":
        return payload[: len(payload) // 2]
    if damage == "append":
        return payload + b" "
    if damage == "swap":
        return other
    if damage == "empty":
        return b""
    if damage == "utf-16" and not payload.startswith(wire.PART_MAGIC):
        return payload.decode("utf-8").encode("utf-16")
    return payload


def _command(name: str, how: str) -> bytes:
    now = dt.datetime.now(dt.UTC)
    body = {**COMMAND_BASE, "command": name, "args": {}}
    if how == "forged":
        return signed({**body, "key": FORGER.id}, FORGER)
    if how in ("stale", "future"):
        moved = now + wire.COMMAND_MAX_AGE * (3 if how == "future" else -3)
        return signed({**body, "issued": moved.isoformat(timespec="seconds")})
    if how == "other-screen":
        return signed({**body, "screen": OTHER_SCREEN})
    payload = signed(body)
    if how == "tampered":
        tampered = json.loads(payload)
        tampered["id"] = "c-2"
        return wire.canonical(tampered)
    return payload


def _keyring(how: str, sequence: int) -> bytes:
    if how == "forged":
        return wire.encode_keyring(sequence, [RingKey(FORGER.public)], [FORGER])
    payload = wire.encode_keyring(sequence, [RingKey(KEY.public)], [KEY])
    body = json.loads(payload)
    if how == "tampered":
        body["sequence"] = sequence + 1
    elif how == "unsigned":
        del body["sigs"]
    else:
        return payload
    return wire.canonical(body)


def materialize(op: tuple[Any, ...], legit: set[bytes]) -> Message:
    """The message an op describes; genuine newer manifests are added to ``legit``."""
    w = world()
    kind, *args = op
    if kind == "raw":
        return Message(_topic(args[0]), args[1], True)
    if kind == "mutated":
        (what, _, body), style = args
        if what == "keyring" and style.startswith("utf-"):
            style = "pretty"  # a genuine ring re-encoded: test_reencoded_genuine_key_ring_is_kept
        payload = encode_json(fill_now(body, wire.now_iso()), style)
        return Message({"manifest": TOPICS.manifest(SCREEN), "command": TOPICS.command(SCREEN),
                        "keyring": TOPICS.keys}[what], payload, what != "command")
    if kind == "forged":
        return Message(TOPICS.manifest(SCREEN),
                       wire.encode_manifest(SCREEN, max(args[0], 1), w.plan_b, FORGER), True)
    if kind == "replay":
        return Message(TOPICS.manifest(SCREEN),
                       wire.encode_manifest(SCREEN, args[0], w.plan_a, KEY), True)
    if kind == "newer":
        version, which, prefetch, inline = args
        payload = w.newer(version, w.plan_a if which == "a" else w.plan_b, prefetch, inline)
        legit.add(payload)
        return Message(TOPICS.manifest(SCREEN), payload, True)
    if kind == "dangling":
        return Message(TOPICS.manifest(SCREEN), wire.encode_manifest(SCREEN, args[0], args[1], KEY), True)
    if kind == "object":
        index, damage = args
        object_id = w.all_ids[index % len(w.all_ids)]
        other = w.objects()[w.all_ids[(index + 1) % len(w.all_ids)]]
        return Message(TOPICS.object(object_id), _damaged(w.objects()[object_id], damage, other), True)
    if kind == "command":
        return Message(TOPICS.command(SCREEN), _command(*args), False)
    if kind == "keyring":
        return Message(TOPICS.keys, _keyring(*args), True)
    if kind == "topic":
        return Message(args[0], args[1], False)
    return Message(_topic(args[0]), b"", True)  # empty: a cleared retained message


def assert_last_good(runtime: Runtime, renderer: Recorder, legit: set[bytes]) -> None:
    w = world()
    manifest, plan = runtime.manifest, runtime.plan
    assert manifest is not None and plan is not None, "the screen went blank"
    assert renderer.shown and renderer.shown[-1] is plan, "the renderer is not showing the runtime's plan"
    assert plan.entries, "an empty plan is on screen"
    assert plan.plan_id == manifest.plan and plan.version == manifest.version
    if manifest.payload != w.manifest_a:
        assert manifest.payload in legit, f"switched to version {manifest.version} nobody signed"
        assert manifest.version > GOOD_VERSION
    assert set(runtime.trusted.keys) == {KEY.id}, "the trusted keys changed"


@settings(max_examples=budget(0.75), suppress_health_check=[*SLOW, HealthCheck.filter_too_much])
@given(ops=st.lists(OPS, min_size=1, max_size=8), liveness_prefetch=st.booleans())
def test_runtime_keeps_last_good_content_under_hostile_messages(
        seed: Path, ops: list[tuple[Any, ...]], liveness_prefetch: bool) -> None:
    w = world()
    with scratch(seed.parent) as folder:
        cache_dir = folder / "cache"
        shutil.copytree(seed, cache_dir)
        runtime, renderer = offline_runtime(cache_dir)
        legit: set[bytes] = set()
        assert_last_good(runtime, renderer, legit)
        for op in ops:
            message = materialize(op, legit)
            note(f"message on {message.topic!r}: {message.payload[:120]!r}")
            runtime.last_error = None
            deliver(runtime, message)
            assert_last_good(runtime, renderer, legit)
            event(f"{op[0]}: {(runtime.last_error or {}).get('code', 'no error')}")
        event("switched before the genuine newer version" if runtime.manifest.version > GOOD_VERSION
              else "kept the good version")
        cached = PlayerCache(cache_dir).load(TRUSTED, SCREEN)
        assert cached is not None, "the disk cache no longer loads a complete version"
        assert cached[0].payload == runtime.manifest.payload
        assert cached[1].plan_id == runtime.plan.plan_id and cached[1].entries
        # A genuine newer version still gets through: hostile input did not wedge the runtime.
        newer = w.newer(LIVENESS_VERSION, w.plan_b, liveness_prefetch, liveness_prefetch)
        legit.add(newer)
        deliver(runtime, Message(TOPICS.manifest(SCREEN), newer, True))
        pump(runtime, w.objects())
        assert runtime.manifest.version == LIVENESS_VERSION and runtime.pending is None
        assert_last_good(runtime, renderer, legit)
        assert renderer.shown[-1].plan_id == w.plan_b
        cached = PlayerCache(cache_dir).load(TRUSTED, SCREEN)
        assert cached is not None and cached[0].version == LIVENESS_VERSION
        assert_only_cache_files(folder, cache_dir)


def _tree(plan_change: Callable[[dict], None] | None = None,
          row_change: Callable[[dict], None] | None = None,
          power_change: Callable[[dict], None] | None = None) -> tuple[str, dict[str, bytes]]:
    """Plan B with one object changed and re-hashed up the tree: (plan id, the objects)."""
    w = world()
    objects = dict(w.objects_b)
    plan = json.loads(objects[w.plan_b])
    if row_change or power_change:
        chunk = json.loads(objects[plan["chunks"][0]])
        row = next(r for r in chunk["entries"] if r["kind"] == "powers")
        if power_change:
            power = json.loads(objects[row["ref"]])
            power_change(power)
            row["ref"], objects[row["ref"]] = _object(power, objects)
        if row_change:
            row_change(row)
        plan["chunks"][0], _ = _object(chunk, objects)
    if plan_change:
        plan_change(plan)
    plan_id, _ = _object(plan, objects)
    return plan_id, objects


def _object(body: dict[str, Any], objects: dict[str, bytes]) -> tuple[str, bytes]:
    object_id, payload = wire.encode_object({k: v for k, v in body.items() if k != "schema"})
    objects[object_id] = payload
    return object_id, payload


def _inline_junk() -> tuple[bytes, dict[str, bytes]]:
    junk = b"[1,2,3]"
    body = json.loads(world().newer(GOOD_VERSION + 1, world().plan_b, False, False))
    body["inline"] = {wire.digest(junk): junk.decode()}
    return signed(body), world().objects_b


def _signed_tree(case: str) -> tuple[bytes, dict[str, bytes]]:
    """A manifest signed by the trusted key over a tree that is hash-correct but malformed."""
    changes: dict[str, dict[str, Callable[[dict], None]]] = {
        "plan-without-screen": {"plan_change": lambda p: p.pop("screen")},
        "plan-units-a-list": {"plan_change": lambda p: p.update(units=[1, 2])},
        "chunk-row-without-ref": {"row_change": lambda r: r.pop("ref")},
        "chunk-row-hours-a-number": {"row_change": lambda r: r.update(hours=5)},
        "power-flowchart-text": {"power_change": lambda p: p.update(flowchart="步骤")},
        "chunk-row-hours-not-windows": {"row_change": lambda r: r.update(hours=["全天"])},
    }
    if case == "inline-not-an-object":
        return _inline_junk()
    plan_id, objects = _tree(**changes[case])
    return wire.encode_manifest(SCREEN, GOOD_VERSION + 1, plan_id, KEY), objects


def _tree_bug(case: str, raises: type[Exception], what: str) -> Any:
    """A malformed tree that used to raise ``raises`` (``what``) past the runtime; now refused."""
    return pytest.param(case, id=case)


@pytest.mark.parametrize("case", [
    _tree_bug("plan-without-screen", KeyError,
              "players/plan.py resolve: plan['screen'] raises KeyError, which Runtime._advance does "
              "not catch (only Incomplete and WireError); the version stays pending forever"),
    _tree_bug("plan-units-a-list", TypeError,
              "players/plan.py resolve: dict(plan['units']) raises TypeError"),
    _tree_bug("chunk-row-without-ref", KeyError, "players/plan.py _entry: row['ref'] raises KeyError"),
    _tree_bug("chunk-row-hours-a-number", TypeError,
              "players/plan.py _entry: tuple(hours) raises TypeError"),
    _tree_bug("power-flowchart-text", AttributeError,
              "players/plan.py _entry: (data.get('flowchart') or {}).get raises AttributeError "
              "when flowchart is a string"),
    _tree_bug("chunk-row-hours-not-windows", ValueError,
              "players/plan.py Entry.active/_in_window: an hours window without '-' is accepted by "
              "resolve, then raises ValueError in Plan.current(), i.e. in every renderer's loop"),
    _tree_bug("inline-not-an-object", wire.WireError,
              "players/runtime.py _on_manifest: cache.resolver.remember() raises WireError('bad-json') "
              "outside the try for an inline object that is not a JSON object (decode_manifest "
              "checks only inline hashes)"),
])
def test_signed_but_malformed_tree_keeps_last_good(seed: Path, case: str) -> None:
    """A trusted (buggy) publisher names a tree that is hash-correct but malformed: the runtime
    refuses it like any bad version, keeps the last good one, and renderers can still show it."""
    manifest, objects = _signed_tree(case)
    with scratch(seed.parent) as folder:
        shutil.copytree(seed, folder / "cache")
        runtime, renderer = offline_runtime(folder / "cache")
        deliver(runtime, Message(TOPICS.manifest(SCREEN), manifest, True))
        pump(runtime, objects)
        assert runtime.plan is not None and renderer.shown[-1] is runtime.plan
        runtime.plan.current(dt.datetime(2026, 11, 27, 10, 0))  # what every renderer calls
        if runtime.manifest.version == GOOD_VERSION:
            assert runtime.last_error is not None


@pytest.mark.parametrize("where", ["manifest", "command", "keys"])
def test_pathological_json_does_not_escape_the_runtime(seed: Path, where: str) -> None:
    huge = b'{"schema":"1.0","type":"manifest","version":' + b"9" * 5000 + b"}"
    with scratch(seed.parent) as folder:
        shutil.copytree(seed, folder / "cache")
        runtime, renderer = offline_runtime(folder / "cache")
        deliver(runtime, Message(_topic(where), huge, True))
        assert_last_good(runtime, renderer, set())


def test_reencoded_genuine_key_ring_is_refused_and_the_genuine_one_kept(seed: Path) -> None:
    """The signature covers canonical JSON, so a genuine ring re-encoded as UTF-16 would verify;
    the wire takes UTF-8 only, so the copy is refused and the genuine ring still gets through."""
    ring = wire.encode_keyring(9, [RingKey(KEY.public)], [KEY])
    with scratch(seed.parent) as folder:
        shutil.copytree(seed, folder / "cache")
        runtime, renderer = offline_runtime(folder / "cache")
        deliver(runtime, Message(TOPICS.keys, ring.decode("utf-8").encode("utf-16"), True))
        assert runtime.keyring is None and runtime.last_error["code"] == "bad-json"
        deliver(runtime, Message(TOPICS.keys, ring, True))
        assert runtime.keyring is not None and runtime.keyring.sequence == 9
        assert (folder / "cache" / "trust.json").exists()
        assert_last_good(runtime, renderer, set())


def test_signed_key_ring_with_naive_until_does_not_wedge_the_runtime(seed: Path) -> None:
    ring = wire.encode_keyring(4, [RingKey(KEY.public, dt.datetime(2099, 1, 1))], [KEY])
    with scratch(seed.parent) as folder:
        shutil.copytree(seed, folder / "cache")
        runtime, renderer = offline_runtime(folder / "cache")
        deliver(runtime, Message(TOPICS.keys, ring, True))
        newer = world().newer(GOOD_VERSION + 1, world().plan_b, True, True)
        deliver(runtime, Message(TOPICS.manifest(SCREEN), newer, True))
        pump(runtime, world().objects_b)
        assert_last_good(runtime, renderer, {newer})


# --- 3. content YAML ------------------------------------------------------------------------------

FUZZ_UNIT = patched(UNIT, {"id": "fuzz", "name": "台安县模糊测试局", "short_name": "模糊局",
                           "code_prefix": "MHJ"})
SAMPLE = REPO / "content"
SAMPLE_UNIT, GOOD_SAMPLE_UNIT = "waijing", "taibei"


def _items(result: CheckResult, unit_id: str) -> tuple[list[str], list[str], list[str]]:
    unit = result.catalogue.units[unit_id]
    return ([p.code for p in unit.powers], [n.title for n in unit.notices],
            [a.id for a in unit.announcements])


@dataclass
class Folder:
    root: Path
    target: str  # the unit whose file is fuzzed
    good: str  # the unit that must be unaffected
    baseline: tuple[list[str], list[str], list[str]]

    def check(self, relative: str, data: bytes) -> tuple[CheckResult, str, SourceDocument]:
        """Check with units/<target>/<relative> holding ``data``; the folder is restored after.
        Returns the result, the file's display path, and what read_yaml made of it."""
        path = self.root / "units" / self.target / relative
        before = path.read_bytes() if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        try:
            display = path.relative_to(self.root).as_posix()
            return check_content(self.root, today=TODAY), display, read_yaml(path, display)
        finally:
            if before is None:
                path.unlink()
            else:
                path.write_bytes(before)

    def assert_contained(self, result: CheckResult, display: str, doc: SourceDocument) -> list[Any]:
        """The good unit is untouched; findings are well-formed; a file that cannot be used is
        named by a finding. Returns the findings naming the file."""
        assert _items(result, self.good) == self.baseline, "the good unit lost items"
        good_files = f"units/{self.good}/"
        assert not [f for f in result.findings
                    if f.location.file.startswith(good_files) and f.rule.id.startswith("GK-LOAD")]
        for finding in result.findings:
            assert isinstance(finding.message, str) and finding.location.file
        named = [f for f in result.findings if f.location.file == display]
        data = doc.data
        if data is None and not doc.findings and display.endswith(("fuzzed.yaml", "more.yml")):
            event("a null document, skipped silently: test_null_document_is_named")
        elif not isinstance(data, LocatedDict) or set(data) - set(schema.FILE_KEYS):
            assert named, f"{display} is unusable but no finding names it"
        return named


@pytest.fixture(scope="module")
def factory_folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    """The conftest unit (good) next to unit ``fuzz`` whose files are fuzzed."""
    root = ContentFactory(tmp_path_factory.mktemp("fuzz-content") / "content").write()
    (root / "units" / "fuzz").mkdir()
    (root / "units" / "fuzz" / "unit.yaml").write_text(dump({"unit": FUZZ_UNIT}), "utf-8")
    return Folder(root, "fuzz", "demo", _items(check_content(root, today=TODAY), "demo"))


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Folder:
    """Two real sample units: one whose powers.yaml is mutated, one that must not notice."""
    root = tmp_path_factory.mktemp("fuzz-sample") / "content"
    root.mkdir()
    shutil.copy(SAMPLE / "county.yaml", root / "county.yaml")
    for unit in (SAMPLE_UNIT, GOOD_SAMPLE_UNIT):
        shutil.copytree(SAMPLE / "units" / unit, root / "units" / unit)
    baseline = _items(check_content(root, today=TODAY), GOOD_SAMPLE_UNIT)
    assert baseline[0]
    return Folder(root, SAMPLE_UNIT, GOOD_SAMPLE_UNIT, baseline)


def alias_bomb(levels: int) -> str:
    """"Billion laughs": each level holds three references to the one before (3^levels values)."""
    return "a0: &a0 [x, x, x]\n" + "".join(
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, levels))


YAML_ALPHABET = st.sampled_from([*":-[]{}#&*!|>'\",?%@`~\n\t  ", "powers", "unit", "name", "政务", "0412",
                                 "- ", ": "])
YAML_TEXT = st.lists(YAML_ALPHABET, max_size=80).map("".join)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030", "latin-1"])
TEMPLATES = st.one_of(
    st.integers(1, 3000).map(lambda n: "powers:\n" + "[" * n),
    st.integers(1, 1000).map(lambda n: "powers: " + "{a: " * n + "b" + "}" * n),
    st.integers(2, 9).map(alias_bomb),  # 3^9 values: cheap; the capped size is an @example
    st.integers(1, 200).map(lambda n: "powers:\n" + "  - name: 甲\n" * n),
    st.just("powers:\n\t- name: 甲\n"),
    st.just("? [a, b]\n: c\n"),
    st.just("powers: !!python/object/apply:os.system ['true']\n"),
    st.just("%YAML 1.1\n---\npowers: []\n---\nnotices: []\n"),
)
RAW_FILES = st.one_of(
    st.binary(max_size=1024),
    st.tuples(st.one_of(YAML_TEXT, st.text(max_size=200), TEMPLATES), ENCODINGS)
    .map(lambda pair: pair[0].encode(pair[1], errors="replace")),
)
FILE_NAMES = st.sampled_from(["fuzzed.yaml", "unit.yaml", "deeper/more.yml"])


@settings(max_examples=budget(0.5), suppress_health_check=SLOW)
@example(data=alias_bomb(20).encode(), relative="fuzzed.yaml")  # over MAX_VALUES: refused, ~2 s
@given(data=RAW_FILES, relative=FILE_NAMES)
def test_content_check_survives_arbitrary_files(factory_folder: Folder, data: bytes, relative: str) -> None:
    result, display, doc = factory_folder.check(relative, data)
    factory_folder.assert_contained(result, display, doc)


# Booleans given a list or mapping crash today (test_boolean_field_given_a_list_or_mapping): such
# fields get scalar values here.
BOOLEAN_FIELDS = frozenset(("urgent", "charged"))
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT,
                   st.dates().map(str), st.lists(TEXT, max_size=3),
                   st.dictionaries(TEXT, TEXT, max_size=3), JSON)
SCALAR_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), TEXT)
POISONS = st.one_of(st.tuples(st.just("unknown"), TEXT.map(lambda t: "zz_" + t)),
                    st.tuples(st.just("shape"), st.integers(0, 100)))


def _text_fields(table: dict[str, Any]) -> list[str]:
    return sorted(n for n, c in table.items() if c in (schema.text, schema.block_text))


@st.composite
def section_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A powers/notices/announcements file: real field names with random values, always with
    one certain problem (an unknown field, or a mapping where text is expected)."""
    section = draw(st.sampled_from(sorted(schema.SECTIONS)))
    table = schema.SECTIONS[section][1]
    base = {"powers": POWER, "notices": NOTICE, "announcements": ANNOUNCEMENT}[section]
    item: dict[str, Any] = copy.deepcopy(base) if draw(st.booleans()) else {}
    for name in draw(st.lists(st.sampled_from(sorted(table)), max_size=8, unique=True)):
        item[name] = draw(SCALAR_VALUES if name in BOOLEAN_FIELDS else VALUES)
    if "fee" in item and isinstance(item["fee"], dict):
        item["fee"] = {k: v for k, v in item["fee"].items() if k != "charged"}
    poison, detail = draw(POISONS)
    if poison == "unknown":
        item[detail] = draw(VALUES)
    else:
        fields = _text_fields(table)
        item[fields[detail % len(fields)]] = {"zz": draw(TEXT)}
    items = draw(st.lists(st.just(item), min_size=1, max_size=3))
    document: dict[str, Any] = {section: items}
    if draw(st.booleans()):
        document["review"] = draw(st.one_of(st.just({"reviewer": "王立新", "date": "2026-10-20",
                                                      "result": "通过"}), VALUES))
    text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False,
                          default_flow_style=draw(st.sampled_from([False, None, True])))
    return text, text.encode("utf-8")


@settings(max_examples=budget(0.5), suppress_health_check=SLOW)
@given(case=section_files())
def test_content_check_names_file_with_bad_fields(factory_folder: Folder, case: tuple[str, bytes]) -> None:
    text, data = case
    note(text)
    result, display, doc = factory_folder.check("fuzzed.yaml", data)
    assert factory_folder.assert_contained(result, display, doc), "no finding names the file"


SAMPLE_TEXT = (SAMPLE / "units" / SAMPLE_UNIT / "powers.yaml").read_text("utf-8")
LINE_OPS = st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent",
                                               "insert", "truncate", "tab", "replace-char"]),
                              st.integers(0, 10**6), st.integers(0, 10**6), YAML_TEXT),
                    min_size=1, max_size=4)


def _mutate_lines(text: str, ops: list[tuple[str, int, int, str]]) -> str:
    lines = text.split("\n")
    for op, a, b, insert in ops:
        i, j = a % len(lines), b % len(lines)
        if op == "delete":
            del lines[min(i, j):max(i, j) + 1]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("indent", "dedent"):
            step = " " * (b % 5 + 1)
            lines[i] = step + lines[i] if op == "indent" else lines[i].removeprefix(step)
        elif op == "insert":
            at = b % (len(lines[i]) + 1)
            lines[i] = lines[i][:at] + insert + lines[i][at:]
        elif op == "truncate":
            lines = [*lines[:i], lines[i][: b % (len(lines[i]) + 1)]]
        elif op == "tab":
            lines[i] = "\t" + lines[i]
        elif lines[i]:
            at = b % len(lines[i])
            lines[i] = lines[i][:at] + (insert[:1] or "\x7f") + lines[i][at + 1:]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(max_examples=budget(0.4), suppress_health_check=SLOW)
@given(ops=LINE_OPS)
def test_content_check_survives_edited_sample_file(sample_folder: Folder, ops: list[Any]) -> None:
    text = _mutate_lines(SAMPLE_TEXT, ops)
    note(text)
    result, display, doc = sample_folder.check("powers.yaml", text.encode("utf-8"))
    sample_folder.assert_contained(result, display, doc)


SAMPLE_DATA = yaml.load(SAMPLE_TEXT, Loader=yaml.BaseLoader)  # every scalar a string, as the loader reads


@st.composite
def sample_structures(draw: st.DrawFn) -> dict[str, Any]:
    """The sample file's data with fields deleted, replaced, items duplicated or dropped, and one
    value somewhere replaced by an unknown-keyed mapping (a certain finding)."""
    data = copy.deepcopy(SAMPLE_DATA)
    powers = data["powers"]
    for _ in range(draw(st.integers(0, 3))):
        item = powers[draw(st.integers(0, len(powers) - 1))]
        op = draw(st.sampled_from(["delete", "replace", "duplicate", "drop"]))
        slots = [(c, k) for c, k in _slots(item) if k not in BOOLEAN_FIELDS]
        if op == "duplicate":
            powers.append(copy.deepcopy(item))
        elif op == "drop" and len(powers) > 1:
            powers.remove(item)
        elif slots:
            container, key = draw(st.sampled_from(slots))
            if op == "delete":
                del container[key]
            else:
                container[key] = draw(VALUES)
    item = powers[draw(st.integers(0, len(powers) - 1))]
    slots = [(c, k) for c, k in _slots(item) if k not in BOOLEAN_FIELDS]
    container, key = draw(st.sampled_from(slots))
    container[key] = {"zz_" + draw(TEXT): draw(VALUES)}
    return data


@settings(max_examples=budget(0.4), suppress_health_check=SLOW)
@given(data=sample_structures())
def test_content_check_names_mutated_sample_file(sample_folder: Folder, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    note(text)
    result, display, doc = sample_folder.check("powers.yaml", text.encode("utf-8"))
    assert sample_folder.assert_contained(result, display, doc), "no finding names the file"


@pytest.mark.parametrize("text", [
    pytest.param("announcements:\n  - id: a1\n    text: 通知\n    urgent: [是]\n", id="urgent-list"),
    pytest.param("announcements:\n  - id: a1\n    text: 通知\n    urgent: {a: b}\n", id="urgent-mapping"),
    pytest.param("powers:\n  - name: 甲\n    fee:\n      charged: [否]\n", id="charged-list"),
])
def test_boolean_field_given_a_list_or_mapping(factory_folder: Folder, text: str) -> None:
    result, display, doc = factory_folder.check("fuzzed.yaml", text.encode("utf-8"))
    assert factory_folder.assert_contained(result, display, doc)


@dataclass
class ImageFolder:
    root: Path
    screens: Path
    secret: bytes  # a PNG outside the content folder that no path may reach


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory: pytest.TempPathFactory) -> ImageFolder:
    """Content whose power items point their flowchart image at hostile paths; a secret PNG
    next to the content folder, and a symlink to it inside the unit's images folder."""
    base = tmp_path_factory.mktemp("fuzz-images")
    secret = png(41, 31)
    (base / "secret.png").write_bytes(secret)
    root = ContentFactory(base / "content").write()
    (root / "units" / "demo" / "images").mkdir()
    (root / "units" / "demo" / "images" / "link.png").symlink_to(base / "secret.png")
    screens = base / "layouts"
    screens.mkdir()
    (screens / "screens.yaml").write_text(SCREENS, "utf-8")
    (screens / "led-test.yaml").write_text(LAYOUT, "utf-8")
    return ImageFolder(root, screens, secret)


SECRET_PATH = "\u0000secret\u0000"  # placeholder: the secret's absolute path
PATH_TEXT = st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)),
                    max_size=40)  # NUL and over-long names: test_image_path_with_nul_or_long_name
IMAGE_PATHS = st.one_of(
    st.sampled_from(["../../../secret.png", "../../secret.png", "images/link.png",
                     "images/../../../secret.png",
                     "..\\..\\..\\secret.png", "C:/secret.png", "//secret.png", "~/secret.png",
                     "file:///secret.png", "images/", ".", " ", "images/./link.png", "%2e%2e/secret.png",
                     SECRET_PATH]),
    st.lists(st.sampled_from(["..", ".", "images", "link.png", "secret.png", "", "units", "demo"]),
             min_size=1, max_size=6).map("/".join),
    PATH_TEXT,
)


def check_image_path(image_folder: ImageFolder, path: str) -> None:
    """A unit's flowchart image path (an asset reference) never reaches a file outside the content
    folder: the check names the item's file, and no published object carries the outside file."""
    path = path.replace(SECRET_PATH, str(image_folder.root.parent / "secret.png"))
    item = patched(POWER, {"code": "CSJ-XK-009", "name": "临时占用城市道路许可",
                           "flowchart": {"image": path}})
    target = image_folder.root / "units" / "demo" / "image.yaml"
    target.write_text(dump({"powers": [item]}), "utf-8")
    try:
        result = check_content(image_folder.root, today=TODAY)
        build = build_fleet(result, load_screens(image_folder.screens), TODAY)
    finally:
        target.unlink()
    named = [f for f in result.findings if f.location.file == "units/demo/image.yaml"]
    assert any((f.field or "").startswith("flowchart") for f in named), [f.rule.id for f in named]
    assert not any(image_folder.secret in payload for payload in build.objects.values())


@settings(max_examples=budget(0.3), suppress_health_check=SLOW)
@given(path=IMAGE_PATHS)
def test_flowchart_image_paths_never_leave_the_content_folder(image_folder: ImageFolder, path: str) -> None:
    check_image_path(image_folder, path)


@pytest.mark.parametrize("path", [pytest.param("images/a\x00b.png", id="nul"),
                                  pytest.param("images/" + "长" * 100 + ".png", id="long-name")])
def test_image_path_with_nul_or_long_name(image_folder: ImageFolder, path: str) -> None:
    check_image_path(image_folder, path)


@pytest.mark.parametrize("text", [pytest.param("~\n", id="tilde"), pytest.param("null\n", id="null"),
                                  pytest.param("--- ~\n# 空\n", id="document-marker")])
def test_null_document_reads_as_an_empty_file(factory_folder: Folder, text: str) -> None:
    """`~` alone is an empty document: the same findings as an empty file, not a silent skip."""
    result, display, _ = factory_folder.check("fuzzed.yaml", text.encode("utf-8"))
    empty, _, _ = factory_folder.check("fuzzed.yaml", b"")
    named = sorted(f.rule.id for f in result.findings if f.location.file == display)
    assert named == sorted(f.rule.id for f in empty.findings if f.location.file == display)


# --- 4. hostile object ids and topics --------------------------------------------------------------

ESCAPE = "\u0000escape\u0000"  # placeholder for an absolute path inside the sandbox, filled in per test
HOSTILE_IDS = st.one_of(
    st.sampled_from(["..", ".", "", "/", "../escaped", "../../escaped", "a\x00b", "0" * 63, "0" * 65,
                     "A" * 64, "x" * 5000, "ab/cd", "..\\escaped", "~", "\n", " " * 64, ESCAPE]),
    st.tuples(HEX64, st.sampled_from(["/../escaped", "\x00", "/", " ", "\n", "/.."])).map("".join),
    st.tuples(st.sampled_from(["../", "./", "/", "..\x00/"]), HEX64).map("".join),
    st.text(max_size=80),
    st.text(alphabet="./\\\x00ab09", max_size=80),
)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-ids")


@settings(max_examples=budget(1.0), suppress_health_check=SLOW)
@given(object_id=HOSTILE_IDS, payload=st.one_of(st.binary(max_size=64), st.just(b'{"schema":"1.0"}')))
def test_hostile_object_ids_are_refused_and_nothing_escapes(
        sandbox: Path, object_id: str, payload: bytes) -> None:
    object_id = object_id.replace(ESCAPE, str(sandbox / "escaped" / "x"))
    assume(object_id != wire.digest(payload))
    cache_dir = sandbox / "cache"
    cache = PlayerCache(cache_dir)
    with pytest.raises(ValueError):
        cache.store.put(object_id, payload)
    assert cache.store.get(object_id) is None and object_id not in cache.store
    with pytest.raises(wire.WireError) as refused:
        cache.resolver.remember(object_id, payload)
    assert refused.value.code in ("hash-mismatch", "too-large")
    assert not cache.resolver.has(object_id)
    with pytest.raises(Incomplete) as incomplete:  # a plan nobody has: fetch it, write nothing
        resolve(cache.resolver, object_id, 1)
    assert incomplete.value.missing == {object_id}
    if not OBJECT_ID.fullmatch(object_id):
        with pytest.raises(ValueError):
            TOPICS.parse(TOPICS.object(object_id))
    if not valid_screen_id(object_id):
        with pytest.raises(ValueError):
            TOPICS.manifest(object_id)
    store = ObjectStore(sandbox / "store")
    with pytest.raises(ValueError):
        store.put(object_id, payload)
    assert_only_cache_files(sandbox / "cache", cache_dir)
    assert sorted(p.name for p in sandbox.iterdir()) in (["cache"], ["cache", "store"])
    assert not list((sandbox / "store").rglob("*"))


def _topic_is_safe(kind: str, key: str) -> bool:
    if kind == "obj":
        return OBJECT_ID.fullmatch(key) is not None
    if kind == "publisher":
        return key == "presence"
    if kind == "keys":
        return key == ""
    return valid_screen_id(key) and "/" not in kind


@settings(max_examples=budget(1.0), suppress_health_check=SLOW)
@given(topic=st.one_of(HOSTILE_TOPICS, HOSTILE_IDS.map(TOPICS.object),
                       HOSTILE_IDS.map(lambda s: f"{TOPICS.root}/screen/{s}/manifest")))
def test_topics_parse_only_safe_keys(topic: str) -> None:
    try:
        kind, key = TOPICS.parse(topic)
    except ValueError:
        return
    assert _topic_is_safe(kind, key), (kind, key)
    assert "\x00" not in key and ".." not in key

