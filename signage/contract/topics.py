"""The MQTT topic scheme: the one place topic names are built and parsed.

::

    <root>/obj/<sha256>               retained  content-addressed object (shared by all screens)
    <root>/screen/<id>/manifest       retained  signed manifest: version + plan root hash
    <root>/screen/<id>/presence       retained  "online" / "offline" (the player's last will)
    <root>/screen/<id>/status         retained  what the player shows, errors, plays last hour
    <root>/screen/<id>/event          -         ack of a version, proof of play, errors
    <root>/screen/<id>/command        -         signed command: reload, identify, screenshot
    <root>/screen/<id>/screenshot     -         PNG answer to the screenshot command
    <root>/publisher/presence         retained  the publisher's own online/offline
    <root>/keys                       retained  key ring: the publisher keys to trust (rotation)

The root defaults to ``signage/v1`` so a broker can carry several counties or schema majors.
Screen ids are restricted to what is safe in a topic level and a file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_ROOT = "signage/v1"
SCREEN_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
OBJECT_ID = re.compile(r"[0-9a-f]{64}")


def valid_screen_id(screen: str) -> bool:
    return SCREEN_ID.fullmatch(screen) is not None


@dataclass(frozen=True, slots=True)
class Topics:
    root: str = DEFAULT_ROOT

    def object(self, digest: str) -> str:
        return f"{self.root}/obj/{digest}"

    def screen(self, screen: str, leaf: str) -> str:
        if not valid_screen_id(screen):
            raise ValueError(f"invalid screen id {screen!r}: use a-z, 0-9, - and _")
        return f"{self.root}/screen/{screen}/{leaf}"

    def manifest(self, screen: str) -> str:
        return self.screen(screen, "manifest")

    def presence(self, screen: str) -> str:
        return self.screen(screen, "presence")

    def status(self, screen: str) -> str:
        return self.screen(screen, "status")

    def event(self, screen: str) -> str:
        return self.screen(screen, "event")

    def command(self, screen: str) -> str:
        return self.screen(screen, "command")

    def screenshot(self, screen: str) -> str:
        return self.screen(screen, "screenshot")

    @property
    def publisher_presence(self) -> str:
        return f"{self.root}/publisher/presence"

    @property
    def keys(self) -> str:
        return f"{self.root}/keys"

    @property
    def all_objects(self) -> str:
        return f"{self.root}/obj/+"

    def all_screens(self, leaf: str) -> str:
        return f"{self.root}/screen/+/{leaf}"

    def parse(self, topic: str) -> tuple[str, str]:
        """(kind, key) of a topic: ("obj", digest), ("manifest", screen) …; ValueError if foreign."""
        prefix = self.root + "/"
        if not topic.startswith(prefix):
            raise ValueError(f"topic {topic!r} is not under {self.root}")
        parts = topic[len(prefix):].split("/")
        if len(parts) == 2 and parts[0] == "obj" and OBJECT_ID.fullmatch(parts[1]):
            return "obj", parts[1]
        if len(parts) == 3 and parts[0] == "screen" and valid_screen_id(parts[1]):
            return parts[2], parts[1]
        if parts == ["publisher", "presence"]:
            return "publisher", "presence"
        if parts == ["keys"]:
            return "keys", ""
        raise ValueError(f"unknown topic {topic!r}")
