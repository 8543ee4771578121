"""One object subscription per process, shared by the players that run in it.

Why: a PC may drive several screens, and a county's players all sync at once after a power
cut. Players in one process want mostly the same objects (the same units, the same chunks), so
each object's retained message is fetched once per process and handed to every player that
asked for it, instead of once per player. Each player still bounds what it asks for at a time
(players.runtime.MAX_SUBSCRIBED_OBJECTS) and still verifies every object itself.

A topic stays subscribed while any player wants it. A player that asks for a topic already
subscribed is handed the payload received for it (held while wanted, then in a small LRU of
bounded bytes), or, if none arrived yet, simply waits for it. Only payloads that hash to their
id are held: a poisoned one is handed on (the player reports it, so the publisher repairs it)
but never served again.
"""

from __future__ import annotations

import collections
import queue
import threading
from typing import Any

from signage.contract.connection import Connection, Message
from signage.contract.topics import Topics
from signage.contract.wire import WireError, size_limit, verify_hash

RECENT_BYTES = 16 * 1024 * 1024  # released payloads kept for players a little behind


class SharedFetcher:
    """Fan-out of object messages over one connection. ``want``/``release``/``refresh`` may be
    called from any thread; messages go into each wanting player's own queue."""

    def __init__(self, broker: str, client_id: str, topics: Topics | None = None, *,
                 ca_file: str | None = None, username: str | None = None,
                 password: str | None = None, recent_bytes: int = RECENT_BYTES) -> None:
        self.topics = topics or Topics()
        self._lock = threading.Lock()
        self._wanters: dict[str, set[queue.Queue[Any]]] = {}  # topic → players' queues
        self._held: dict[str, bytes] = {}  # verified payloads of wanted topics
        self._recent: collections.OrderedDict[str, bytes] = collections.OrderedDict()
        self._recent_size = 0
        self._recent_limit = recent_bytes
        self.received = 0  # object messages from the broker (each fanned out to its wanters)
        self.connection = Connection(broker, client_id, ca_file=ca_file, username=username,
                                     password=password, on_connect=self._on_connect,
                                     inbox=_Fanout(self), max_payload=lambda _t: size_limit("obj"))

    def start(self) -> None:
        self.connection.start()

    def stop(self) -> None:
        self.connection.stop()

    def _on_connect(self, connection: Connection) -> None:
        with self._lock:
            wanted = list(self._wanters)
        if wanted:  # a fresh session: subscribe again to all that is wanted
            connection.subscribe(wanted)

    # --- players' side -------------------------------------------------------------------

    def want(self, inbox: queue.Queue[Any], object_ids: list[str]) -> None:
        """Deliver the objects' messages to ``inbox`` (now if held, else when they arrive)."""
        fresh, ready = [], []
        with self._lock:
            for object_id in object_ids:
                topic = self.topics.object(object_id)
                wanters = self._wanters.get(topic)
                if wanters is None:
                    self._wanters[topic] = {inbox}
                    payload = self._recent.pop(topic, None)
                    if payload is None:
                        fresh.append(topic)
                    else:
                        self._recent_size -= len(payload)
                        self._held[topic] = payload
                        ready.append(Message(topic, payload, True))
                else:
                    wanters.add(inbox)
                    if topic in self._held:
                        ready.append(Message(topic, self._held[topic], True))
        for message in ready:
            inbox.put(message)
        if fresh:
            self.connection.subscribe(fresh)

    def release(self, inbox: queue.Queue[Any], object_ids: list[str] | set[str]) -> None:
        """``inbox`` no longer wants these; a topic nobody wants is unsubscribed."""
        gone = []
        with self._lock:
            for object_id in object_ids:
                topic = self.topics.object(object_id)
                wanters = self._wanters.get(topic)
                if wanters is None:
                    continue
                wanters.discard(inbox)
                if not wanters:
                    del self._wanters[topic]
                    gone.append(topic)
                    payload = self._held.pop(topic, None)
                    if payload is not None:
                        self._remember(topic, payload)
        if gone:
            self.connection.unsubscribe(gone)

    def refresh(self, object_ids: list[str]) -> None:
        """Ask the broker to send these retained objects again (a subscribe re-sends them)."""
        topics = [self.topics.object(o) for o in object_ids]
        with self._lock:
            for topic in topics:
                self._held.pop(topic, None)
        self.connection.subscribe(topics)

    # --- network side ----------------------------------------------------------------------

    def deliver(self, message: Message) -> None:
        with self._lock:
            self.received += 1
            wanters = list(self._wanters.get(message.topic, ()))
            if wanters and message.payload and self._verified(message):
                self._held[message.topic] = message.payload
        for inbox in wanters:
            inbox.put(message)

    def _verified(self, message: Message) -> bool:
        try:
            verify_hash(message.payload, self.topics.parse(message.topic)[1])
        except (WireError, ValueError):
            return False
        return True

    def _remember(self, topic: str, payload: bytes) -> None:
        """Keep a released payload while the recent ones stay within their byte bound."""
        self._recent[topic] = payload
        self._recent_size += len(payload)
        while self._recent_size > self._recent_limit and self._recent:
            _, old = self._recent.popitem(last=False)
            self._recent_size -= len(old)


class _Fanout:
    """The connection's inbox: every message goes straight to the fetcher's fan-out."""

    def __init__(self, fetcher: SharedFetcher) -> None:
        self._fetcher = fetcher

    def put(self, message: Message) -> None:
        self._fetcher.deliver(message)
