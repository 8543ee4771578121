"""Players in one process share one object subscription (players.fetch): real broker, real players."""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
from harness import Fleet, wait_until
from test_reliability import Intruder

from players.fetch import SharedFetcher
from signage.contract import wire
from signage.contract.connection import Message
from signage.contract.topics import Topics


@pytest.fixture
def fleet(tmp_path: Path, broker):
    fleet = Fleet(tmp_path, broker)
    yield fleet
    fleet.close()


def _sync(fleet: Fleet, versions: dict[str, int], fetcher: SharedFetcher | None) -> tuple[int, int]:
    """Three players (two of them showing the same screen) sync; (objects they received,
    object messages the shared connection received)."""
    tag = "shared" if fetcher else "own"
    players = [fleet.player(screen, cache=f"{tag}-{n}", fetcher=fetcher)
               for n, screen in enumerate(["lobby-led", "lobby-led", "hall-kiosk"])]
    for player in players:
        wait_until(lambda p=player: p.version == versions[p.runtime.screen], what="sync")
    objects = sum(len(p.runtime.cache.store) for p in players)
    return objects, fetcher.received if fetcher else objects


def test_co_located_players_fetch_each_object_once(fleet: Fleet) -> None:
    versions = fleet.publisher().publish().versions
    own_objects, _ = _sync(fleet, versions, None)
    fetcher = SharedFetcher(fleet.broker.url, "fetch-test")
    fetcher.start()
    try:
        objects, received = _sync(fleet, versions, fetcher)
    finally:
        fetcher.stop()
    assert objects and own_objects  # each player synced (waited for above) from its own cache
    distinct = len({o for p in fleet.players[3:] for o in p.runtime.cache.store._present})
    assert received <= distinct < objects  # once per process, not once per player


def test_a_poisoned_object_is_handed_on_but_never_served_again(fleet: Fleet) -> None:
    genuine = b'{"schema":"1.0","type":"item","n":1}'
    object_id = wire.digest(genuine)
    topic = Topics().object(object_id)  # no publisher here: it would clear a stranger
    intruder = Intruder(fleet.broker.url)
    fetcher = SharedFetcher(fleet.broker.url, "fetch-test")
    fetcher.start()
    assert fetcher.connection.wait_connected(10)  # else its connect subscribes a second time
    try:
        intruder.publish(topic, b"poison")
        first: queue.Queue[Message] = queue.Queue()
        fetcher.want(first, [object_id])
        assert first.get(timeout=10).payload == b"poison"  # the player sees it and reports it
        later: queue.Queue[Message] = queue.Queue()
        fetcher.want(later, [object_id])
        with pytest.raises(queue.Empty):
            later.get(timeout=0.5)  # not served from the fetcher: it waits for the broker
        intruder.publish(topic, genuine)  # the publisher's repair
        assert first.get(timeout=10).payload == genuine
        assert later.get(timeout=10).payload == genuine
        fetcher.release(first, [object_id])
        fetcher.release(later, [object_id])
        again: queue.Queue[Message] = queue.Queue()
        fetcher.want(again, [object_id])  # released, but recent: served at once, verified
        assert again.get(timeout=0.1).payload == genuine
    finally:
        fetcher.stop()
        intruder.close()
