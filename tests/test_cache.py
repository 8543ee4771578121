"""The player's cache survives SIGKILL at any moment: it always loads a complete version."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import POWER, REPO, TODAY, ContentFactory, patched

from players.cache import PlayerCache
from signage.catalogue.checking import check_content
from signage.contract.keys import PUBLIC_KEY_FILE, init_keys, trusted_keys
from signage.contract.wire import encode_manifest
from signage.publishing.plans import build_fleet
from signage.publishing.screens import load_screens

WRITER = """
import json, sys
from pathlib import Path
from players.cache import PlayerCache
from players.plan import resolve
from signage.contract.keys import trusted_keys
from signage.contract.wire import decode_manifest

versions = json.loads(Path(sys.argv[1]).read_text())
cache = PlayerCache(Path(sys.argv[2]))
trusted = trusted_keys([Path(sys.argv[3])])
print("ready", flush=True)
while True:
    for version in versions:
        manifest = decode_manifest(version["manifest"].encode(), trusted, "lobby-led")
        for object_id, payload in version["objects"].items():
            cache.store.put(object_id, payload.encode("latin-1"))
        cache.commit(manifest, resolve(cache.store, manifest.plan, manifest.version))
"""


def _versions(tmp: Path, count: int) -> tuple[list[dict], Path]:
    """``count`` real versions of a screen (different content each), signed."""
    key_dir = tmp / "keys"
    key = init_keys(key_dir)
    factory = ContentFactory(tmp / "content")
    screens = tmp / "layouts"
    screens.mkdir()
    (screens / "screens.yaml").write_text(
        "screens:\n  - id: lobby-led\n    kind: led\n", "utf-8")
    versions = []
    for number in range(1, count + 1):
        powers = [patched(POWER, {"code": f"CSJ-XK-{n:03d}", "name": f"事项{number}-{n}",
                                  "materials": ["申请表" * (n % 7 + 1)] * 30})
                  for n in range(1, 40)]
        root = factory.write(powers=powers)
        build = build_fleet(check_content(root, today=TODAY), load_screens(screens), TODAY, {}, {})
        plan = build.roots["lobby-led"]
        manifest = encode_manifest("lobby-led", number, plan, key)
        versions.append({"manifest": manifest.decode(), "number": number,
                         "objects": {k: v.decode("latin-1") for k, v in build.objects.items()}})
    return versions, key_dir / PUBLIC_KEY_FILE


def test_sigkill_while_writing_never_leaves_a_torn_version(tmp_path: Path) -> None:
    versions, public = _versions(tmp_path, 4)
    spec = tmp_path / "versions.json"
    spec.write_text(json.dumps(versions), "utf-8")
    cache_dir = tmp_path / "cache"
    trusted = trusted_keys([public])
    rng = random.Random(20261127)
    loaded_versions = set()
    for _ in range(50):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(spec), str(cache_dir),
                                   str(public)], cwd=REPO, stdout=subprocess.PIPE)
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        writer.wait(10)
        cached = PlayerCache(cache_dir).load(trusted, "lobby-led")
        if cached is None:
            assert not (cache_dir / "current.json").exists()  # killed before the first commit
            continue
        manifest, plan = cached
        loaded_versions.add(manifest.version)
        powers = [e for e in plan.entries if e.kind == "powers"]
        assert len(powers) == 39
        assert all(e.data["name"].startswith(f"事项{manifest.version}-") for e in powers)
    assert len(loaded_versions) >= 2  # the kills really landed at different moments


def test_damaged_cache_object_means_no_version_not_a_crash(tmp_path: Path) -> None:
    versions, public = _versions(tmp_path, 1)
    cache = PlayerCache(tmp_path / "cache")
    version = versions[0]
    for object_id, payload in version["objects"].items():
        cache.store.put(object_id, payload.encode("latin-1"))
    from players.plan import resolve
    from signage.contract.wire import decode_manifest

    trusted = trusted_keys([public])
    manifest = decode_manifest(version["manifest"].encode(), trusted, "lobby-led")
    cache.commit(manifest, resolve(cache.store, manifest.plan, 1))
    assert cache.load(trusted, "lobby-led") is not None
    victim = next((tmp_path / "cache" / "objects").glob("*/*"))
    victim.write_bytes(b"bit rot")
    assert cache.load(trusted, "lobby-led") is None  # logged and refused; nothing raised
    assert not victim.exists()  # the damaged object is dropped so it can be fetched again
