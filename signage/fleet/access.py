"""Who may do what on the production broker: the roles of mosquitto's dynamic-security plugin.

- The publisher writes content (objects, manifests, the key ring, commands) and reads reports.
- A player reads its own manifest and commands, the key ring, and objects **by exact topic
  only**: a wildcard subscription to ``obj/+`` or ``obj/#`` is refused, so a player reads only
  the objects its own manifest leads to (an object id is a 256-bit hash nobody can guess). It
  writes only its own presence, status, events and screenshots.
- A site bridge relays objects, the key ring and its site's screens between two brokers.

Everything else is denied by default. Passwords are stored the way the plugin stores them
(PBKDF2-SHA512, salted), so the bootstrap file can be written before the broker first starts.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from signage.contract.topics import Topics

ADMIN_USER = "signage-admin"
PUBLISHER_USER = "signage-publisher"
ADMIN_ROLE = "signage-admin"
PUBLISHER_ROLE = "signage-publisher"
SCREEN_ROLE_PREFIX = "signage-screen-"
BRIDGE_ROLE_PREFIX = "signage-bridge-"
PASSWORD_ITERATIONS = 1000  # per connect; random 32-character passwords need no more
CONTROL_TOPIC = "$CONTROL/dynamic-security/v1"

# Nothing is allowed unless a role says so (unsubscribing is harmless).
DEFAULT_ACCESS = {"publishClientSend": False, "publishClientReceive": False,
                  "subscribe": False, "unsubscribe": True}


@dataclass(frozen=True, slots=True)
class Acl:
    acltype: str  # publishClientSend, publishClientReceive, subscribeLiteral, subscribePattern
    topic: str
    allow: bool = True
    priority: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"acltype": self.acltype, "topic": self.topic, "allow": self.allow,
                "priority": self.priority}


def _read(topic: str) -> list[Acl]:
    """Subscribe to exactly ``topic`` and receive what is published there."""
    return [Acl("subscribeLiteral", topic), Acl("publishClientReceive", topic)]


def _read_pattern(pattern: str) -> list[Acl]:
    return [Acl("subscribePattern", pattern), Acl("publishClientReceive", pattern)]


def _exact_objects(topics: Topics) -> list[Acl]:
    """Any one object by its exact topic; the wildcard itself refused (checked first)."""
    pattern = topics.all_objects
    return [Acl("subscribeLiteral", pattern, allow=False, priority=10),
            Acl("subscribeLiteral", f"{topics.root}/obj/#", allow=False, priority=10),
            *_read_pattern(pattern)]


def screen_role(screen: str) -> str:
    return SCREEN_ROLE_PREFIX + screen


def bridge_role(site: str) -> str:
    return BRIDGE_ROLE_PREFIX + site


def player_acls(topics: Topics, screen: str) -> list[Acl]:
    return [*_read(topics.manifest(screen)), *_read(topics.command(screen)), *_read(topics.keys),
            *_exact_objects(topics),
            *(Acl("publishClientSend", topic) for topic in (
                topics.presence(screen), topics.status(screen), topics.event(screen),
                topics.screenshot(screen)))]


def publisher_acls(topics: Topics) -> list[Acl]:
    everything = f"{topics.root}/#"
    return [Acl("publishClientSend", everything), *_read_pattern(everything)]


def bridge_acls(topics: Topics, screens: list[str]) -> list[Acl]:
    """What a site broker's bridge may relay: every object (the site's screens need them all
    cached locally), the key ring, its screens' manifests and commands in; their reports out."""
    acls = [*_read_pattern(f"{topics.root}/obj/#"), *_read(topics.keys)]
    for screen in screens:
        acls += [*_read(topics.manifest(screen)), *_read(topics.command(screen))]
        acls += [Acl("publishClientSend", topics.screen(screen, leaf))
                 for leaf in ("presence", "status", "event", "screenshot")]
    return acls


def admin_acls() -> list[Acl]:
    return [Acl("publishClientSend", f"{CONTROL_TOPIC}/#"), *_read_pattern(f"{CONTROL_TOPIC}/#")]


def new_password() -> str:
    return secrets.token_urlsafe(24)


def hashed_password(password: str, iterations: int = PASSWORD_ITERATIONS) -> dict[str, Any]:
    """The plugin's stored form: base64 PBKDF2-HMAC-SHA512 of the password with a 12-byte salt."""
    salt = secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations)
    return {"password": base64.b64encode(digest).decode("ascii"),
            "salt": base64.b64encode(salt).decode("ascii"), "iterations": iterations}


def bootstrap_document(topics: Topics, admin_password: str,
                       publisher_password: str) -> dict[str, Any]:
    """The plugin's configuration file before first start: the admin (who enrols players over
    the broker's control topic) and the publisher; players are added by `signage enroll`."""
    def role(name: str, acls: list[Acl]) -> dict[str, Any]:
        return {"rolename": name, "acls": [acl.as_json() for acl in acls]}

    def client(name: str, password: str, rolename: str) -> dict[str, Any]:
        return {"username": name, "textName": name, **hashed_password(password),
                "roles": [{"rolename": rolename}]}

    return {"clients": [client(ADMIN_USER, admin_password, ADMIN_ROLE),
                        client(PUBLISHER_USER, publisher_password, PUBLISHER_ROLE)],
            "groups": [],
            "roles": [role(ADMIN_ROLE, admin_acls()), role(PUBLISHER_ROLE, publisher_acls(topics))],
            "defaultACLAccess": dict(DEFAULT_ACCESS)}
