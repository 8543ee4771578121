"""A finished write that tells the publisher (``Publisher.content_written``, the console's save)
is published at once: the watch loop skips the debounce that lets a burst of file events settle.
Shown with a debounce far longer than the test: a change seen only by the file watcher waits
for it, the same change told by the writer is published (a real mosquitto, a real player)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from conftest import POWER, patched
from harness import Fleet, wait_until

from signage.publishing.publisher import serve

SCREEN = "lobby-led"
DEBOUNCE = 600.0  # seconds: no publish in this test can come from waiting it out


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


def test_content_written_skips_the_debounce(fleet: Fleet) -> None:
    publisher = fleet.publisher()
    player = fleet.player(SCREEN)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(publisher, stop), kwargs={"debounce": DEBOUNCE},
                              daemon=True)
    thread.start()
    try:
        wait_until(lambda: publisher.synced.is_set(), what="the broker's inventory")
        time.sleep(1.0)
        assert SCREEN not in publisher.owned  # the first publish waits for the debounce …
        publisher.content_written("demo")
        wait_until(lambda: SCREEN in publisher.owned, what="a publish without the debounce")
        first = wait_until(lambda: player.version, what="the player's first version")
        fleet.factory.write(powers=[patched(POWER, {"name": "已修改的事项名称"})])
        time.sleep(1.0)
        assert player.version == first  # … and so does a change only the watcher saw
        publisher.content_written("demo")
        wait_until(lambda: (player.version or 0) > first, what="the told change on the screen")
    finally:
        stop.set()
        publisher.dirty.set()
        publisher.prompt.set()
        thread.join(10)
    assert not thread.is_alive()
