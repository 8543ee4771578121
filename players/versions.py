"""Which manifest a player takes: the one rule that stops rollbacks and replays.

Kept apart from the runtime's MQTT plumbing as a pure function, so that every case (the shown
version again, the same number with another plan, an older one, a newer one while another is
still being fetched) is tested directly, and mutation testing can run it in milliseconds.
"""

from __future__ import annotations

import enum

from signage.contract.wire import Manifest


class Verdict(enum.Enum):
    TAKE = "take"  # newer than anything shown or being fetched: fetch it, switch when complete
    SAME = "same"  # the shown version's retained copy again: nothing to do, not an error
    BEHIND_PENDING = "behind-pending"  # not newer than the version already being fetched: ignore
    STALE = "stale"  # not newer than the shown one (a rollback, a replay, or a reused number)


def judge(offered: Manifest, shown: Manifest | None, pending: Manifest | None) -> Verdict:
    """What to do with a verified manifest, given the one on screen and the one being fetched.

    Versions only grow. A manifest with the shown version is the same only if it names the same
    plan: the same number with another plan is refused like an older one."""
    if pending is not None and offered.version <= pending.version:
        return Verdict.BEHIND_PENDING
    current = shown.version if shown is not None else 0
    if shown is not None and offered.version == current and offered.plan == shown.plan:
        return Verdict.SAME
    if offered.version <= current:
        return Verdict.STALE
    return Verdict.TAKE
