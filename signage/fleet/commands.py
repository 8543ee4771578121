"""Signed commands to a screen (screenshot, identify, reload) over the project's one MQTT face
(signage.contract.connection): what `signage command` and the console's fleet page both send."""

from __future__ import annotations

import queue
import uuid

from signage.contract.connection import BrokerAccess, Connection
from signage.contract.keys import load_signing_key
from signage.contract.topics import Topics
from signage.contract.wire import encode_command


def send_command(broker: str | BrokerAccess, data_dir, screen: str, name: str,
                 timeout: float = 10.0, client: str = "signage-command") -> bytes | None:
    """Send ``name`` to ``screen``; for a screenshot, the PNG it sent back (None if none came).
    ConnectionError when the broker cannot be reached; KeyFileError without the publisher key."""
    key = load_signing_key(data_dir)
    topics = Topics()
    inbox: queue.Queue = queue.Queue()
    connection = Connection(broker, f"{client}-{uuid.uuid4().hex[:8]}", inbox=inbox,
                            on_connect=lambda c: c.subscribe([topics.screenshot(screen)]))
    connection.start()
    try:
        if not connection.wait_connected(timeout):
            raise ConnectionError("无法连接消息服务器")
        payload = encode_command(screen, name, key, uuid.uuid4().hex)
        connection.publish(topics.command(screen), payload).wait_for_publish(timeout)
        if name != "screenshot":
            return None
        try:
            return inbox.get(timeout=timeout).payload
        except queue.Empty:
            return None
    finally:
        connection.stop()
