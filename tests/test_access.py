"""The production broker's roles, stated literally (signage/fleet/access.py).

tests/test_security.py proves on a real mosquitto that these roles do what they say; this file
pins the roles themselves, so a widened topic, a lost ``allow=False`` or a changed priority
fails at once (and mutation testing runs it in milliseconds).
"""

from __future__ import annotations

import base64
import hashlib

from signage.contract.topics import Topics
from signage.fleet.access import (
    DEFAULT_ACCESS,
    Acl,
    admin_acls,
    bootstrap_document,
    bridge_acls,
    bridge_role,
    hashed_password,
    new_password,
    player_acls,
    publisher_acls,
    screen_role,
)

TOPICS = Topics()
R = "signage/v1"


def rows(acls: list[Acl]) -> list[tuple[str, str, bool, int]]:
    return [(a.acltype, a.topic, a.allow, a.priority) for a in acls]


def test_a_player_reads_its_own_topics_and_objects_only_by_exact_topic() -> None:
    assert rows(player_acls(TOPICS, "lobby-led")) == [
        ("subscribeLiteral", f"{R}/screen/lobby-led/manifest", True, 0),
        ("publishClientReceive", f"{R}/screen/lobby-led/manifest", True, 0),
        ("subscribeLiteral", f"{R}/screen/lobby-led/command", True, 0),
        ("publishClientReceive", f"{R}/screen/lobby-led/command", True, 0),
        ("subscribeLiteral", f"{R}/keys", True, 0),
        ("publishClientReceive", f"{R}/keys", True, 0),
        ("subscribeLiteral", f"{R}/obj/+", False, 10),  # the wildcards refused, before …
        ("subscribeLiteral", f"{R}/obj/#", False, 10),
        ("subscribePattern", f"{R}/obj/+", True, 0),  # … any one object by its exact topic
        ("publishClientReceive", f"{R}/obj/+", True, 0),
        ("publishClientSend", f"{R}/screen/lobby-led/presence", True, 0),
        ("publishClientSend", f"{R}/screen/lobby-led/status", True, 0),
        ("publishClientSend", f"{R}/screen/lobby-led/event", True, 0),
        ("publishClientSend", f"{R}/screen/lobby-led/screenshot", True, 0),
    ]


def test_the_publisher_and_the_admin() -> None:
    assert rows(publisher_acls(TOPICS)) == [
        ("publishClientSend", f"{R}/#", True, 0), ("subscribePattern", f"{R}/#", True, 0),
        ("publishClientReceive", f"{R}/#", True, 0)]
    control = "$CONTROL/dynamic-security/v1/#"
    assert rows(admin_acls()) == [("publishClientSend", control, True, 0),
                                  ("subscribePattern", control, True, 0),
                                  ("publishClientReceive", control, True, 0)]


def test_a_bridge_relays_objects_keys_and_its_screens_only() -> None:
    assert rows(bridge_acls(TOPICS, ["town-led"])) == [
        ("subscribePattern", f"{R}/obj/#", True, 0), ("publishClientReceive", f"{R}/obj/#", True, 0),
        ("subscribeLiteral", f"{R}/keys", True, 0), ("publishClientReceive", f"{R}/keys", True, 0),
        ("subscribeLiteral", f"{R}/screen/town-led/manifest", True, 0),
        ("publishClientReceive", f"{R}/screen/town-led/manifest", True, 0),
        ("subscribeLiteral", f"{R}/screen/town-led/command", True, 0),
        ("publishClientReceive", f"{R}/screen/town-led/command", True, 0),
        ("publishClientSend", f"{R}/screen/town-led/presence", True, 0),
        ("publishClientSend", f"{R}/screen/town-led/status", True, 0),
        ("publishClientSend", f"{R}/screen/town-led/event", True, 0),
        ("publishClientSend", f"{R}/screen/town-led/screenshot", True, 0),
    ]
    assert rows(bridge_acls(TOPICS, [])) == rows(bridge_acls(TOPICS, ["town-led"]))[:4]


def test_role_names_and_default_deny() -> None:
    assert screen_role("lobby-led") == "signage-screen-lobby-led"
    assert bridge_role("town") == "signage-bridge-town"
    assert DEFAULT_ACCESS == {"publishClientSend": False, "publishClientReceive": False,
                              "subscribe": False, "unsubscribe": True}
    assert Acl("subscribeLiteral", "t").as_json() == {"acltype": "subscribeLiteral", "topic": "t",
                                                      "allow": True, "priority": 0}


def test_passwords_are_stored_as_the_plugin_checks_them() -> None:
    password = new_password()
    assert len(password) == 32 and password != new_password()
    stored = hashed_password(password)
    salt = base64.b64decode(stored["salt"])
    assert len(salt) == 12 and stored["iterations"] == 1000
    expected = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 1000)
    assert base64.b64decode(stored["password"]) == expected
    assert hashed_password(password)["salt"] != stored["salt"]  # a fresh salt each time


def test_the_bootstrap_file_has_two_accounts_and_denies_the_rest() -> None:
    document = bootstrap_document(TOPICS, "admin-secret", "publisher-secret")
    assert [(c["username"], c["roles"]) for c in document["clients"]] == [
        ("signage-admin", [{"rolename": "signage-admin"}]),
        ("signage-publisher", [{"rolename": "signage-publisher"}])]
    assert [r["rolename"] for r in document["roles"]] == ["signage-admin", "signage-publisher"]
    assert document["roles"][1]["acls"] == [a.as_json() for a in publisher_acls(TOPICS)]
    assert document["roles"][0]["acls"] == [a.as_json() for a in admin_acls()]
    assert document["defaultACLAccess"] == DEFAULT_ACCESS and document["groups"] == []
    admin = document["clients"][0]
    salt = base64.b64decode(admin["salt"])
    digest = hashlib.pbkdf2_hmac("sha512", b"admin-secret", salt, admin["iterations"])
    assert base64.b64decode(admin["password"]) == digest and admin["textName"] == "signage-admin"
