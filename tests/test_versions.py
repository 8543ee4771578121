"""The player's version rule on its own (players/versions.py): what it takes, ignores, refuses."""

from __future__ import annotations

import pytest

from players.versions import Verdict, judge
from signage.contract.wire import Manifest


def manifest(version: int, plan: str = "a" * 64) -> Manifest:
    return Manifest("lobby-led", version, plan, "2026-11-27T08:00:00+00:00", b"")


@pytest.mark.parametrize(("offered", "shown", "pending", "verdict"), [
    (manifest(1), None, None, Verdict.TAKE),  # a new player takes its first version
    (manifest(7), manifest(6), None, Verdict.TAKE),
    (manifest(6), manifest(6), None, Verdict.SAME),  # the retained copy again
    (manifest(6, "b" * 64), manifest(6), None, Verdict.STALE),  # same number, another plan
    (manifest(6, "0" * 64), manifest(6), None, Verdict.STALE),  # … sorting before it, too
    # equal but not the same objects (numbers and ids decoded from two payloads)
    (manifest(10**9, "".join(["c"] * 64)), manifest(int("1" + "0" * 9), "c" * 64), None, Verdict.SAME),
    (manifest(10**9 + 1), manifest(int("1" + "0" * 9)), None, Verdict.TAKE),
    (manifest(5), manifest(6), None, Verdict.STALE),  # a replay of an older version
    (manifest(5, "b" * 64), manifest(6), None, Verdict.STALE),
    (manifest(0), None, None, Verdict.STALE),  # versions start at 1
    (manifest(8), manifest(6), manifest(8), Verdict.BEHIND_PENDING),  # already fetching it
    (manifest(7), manifest(6), manifest(8), Verdict.BEHIND_PENDING),  # older than what is fetched
    (manifest(9), manifest(6), manifest(8), Verdict.TAKE),  # newer than the one being fetched
    (manifest(9), None, manifest(8), Verdict.TAKE),
    (manifest(8), None, manifest(8), Verdict.BEHIND_PENDING),
    (manifest(6), manifest(6), manifest(8), Verdict.BEHIND_PENDING),  # pending decides first
])
def test_judge(offered: Manifest, shown: Manifest | None, pending: Manifest | None, verdict: Verdict) -> None:
    assert judge(offered, shown, pending) is verdict
