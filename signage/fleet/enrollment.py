"""Enrolment: a player's credentials, its role on the broker, and its config file.

`signage enroll SCREEN` gives the screen a random password and a role that lets it read only
its own topics (see signage/fleet/access.py), then writes a folder to copy onto the player box::

    SCREEN/player.yaml    screen, broker URL, credentials, trusted keys, cache folder (0600)
    SCREEN/ca.crt         the CA that signed the broker's certificate
    SCREEN/publisher.pub  the publisher's current public key (rotations reach players by MQTT)

`signage revoke SCREEN` deletes the client and its role: the broker disconnects it at once and
refuses it from then on. Both act on the running broker; nothing needs a restart.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from signage.contract.connection import BrokerAccess, Connection
from signage.contract.keys import PUBLIC_KEY_FILE
from signage.contract.topics import Topics, valid_screen_id
from signage.fleet.access import Acl, new_password, player_acls, screen_role
from signage.fleet.dynsec import DynsecAdmin
from signage.fleet.production import write_access, write_private
from signage.fleet.tls import CA_CERT

PLAYER_CONFIG = "player.yaml"
DEFAULT_CACHE = "/var/lib/signage/cache"
RESERVED_PREFIX = "signage-"  # signage-admin, signage-publisher, signage-bridge-…


class EnrollmentError(RuntimeError):
    """The screen cannot be enrolled or revoked as asked; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Enrolled:
    screen: str
    folder: Path
    config: Path
    player_url: str
    again: bool  # an already enrolled screen got a new password


def _check_screen(screen: str) -> None:
    if not valid_screen_id(screen):
        raise EnrollmentError(f"screen id {screen!r} is invalid: use a-z, 0-9, - and _ "
                              "(the id in layouts/screens.yaml)")


def _account(admin: BrokerAccess, username: str, password: str, role: str, acls: list[Acl],
             again: bool, hint: str) -> bool:
    """Create the broker account ``username`` with its own ``role``, or with ``again`` give an
    existing one a new password; the role's ACLs are rebuilt either way. True if it existed."""
    with DynsecAdmin(admin) as broker:
        exists = broker.client_exists(username)
        if exists and not again:
            raise EnrollmentError(f"{username} is already enrolled; {hint}")
        if broker.role_exists(role):
            broker.delete_role(role)
        broker.create_role(role, acls)
        if exists:
            broker.set_password(username, password)
            broker.run("addClientRole", username=username, rolename=role)
        else:
            broker.create_client(username, password, [role])
    return exists


def enroll(admin: BrokerAccess, screen: str, out_dir: Path, key_dir: Path, *, player_url: str,
           again: bool = False, topics: Topics | None = None,
           cache_dir: str = DEFAULT_CACHE) -> Enrolled:
    """Create (or with ``again``, re-key) the screen's broker client and write its folder."""
    _check_screen(screen)
    if screen.startswith(RESERVED_PREFIX):
        raise EnrollmentError(f"screen id {screen!r}: ids starting with {RESERVED_PREFIX!r} are the "
                              "publisher's, the admin's and the site bridges' accounts; rename the screen")
    topics = topics or Topics()
    public_key = key_dir / PUBLIC_KEY_FILE
    if not public_key.exists():
        raise EnrollmentError(f"no publisher key at {public_key}: run `signage keys init` first")
    password = new_password()
    exists = _account(admin, screen, password, screen_role(screen), player_acls(topics, screen),
                      again, f"`signage enroll {screen} --again` gives it a new password "
                             "(the old one stops working)")
    folder = out_dir / screen
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(public_key, folder / PUBLIC_KEY_FILE)
    keys = [PUBLIC_KEY_FILE]
    ca_name = None
    if admin.ca_file:
        shutil.copyfile(admin.ca_file, folder / CA_CERT)
        ca_name = CA_CERT
    config = folder / PLAYER_CONFIG
    write_access(config, BrokerAccess(player_url, None, screen, password), ca_name, screen=screen,
                 public_keys=keys, cache_dir=cache_dir, topic_root=topics.root)
    return Enrolled(screen, folder, config, player_url, exists)


def enroll_bridge(admin: BrokerAccess, name: str, screens: list[str], out_dir: Path, *,
                  county_address: str, again: bool = False, topics: Topics | None = None) -> Path:
    """A site broker's account on the county broker (it relays objects, the key ring and the
    site's screens) and the bridge section for the site broker's mosquitto.conf; returns the
    folder holding ``bridge.conf`` and the county CA."""
    from signage.fleet.access import bridge_acls, bridge_role
    from signage.fleet.production import BRIDGE_TEMPLATE, render_bridge

    _check_screen(name)
    for screen in screens:
        _check_screen(screen)
    if not screens:
        raise EnrollmentError(f"bridge {name}: name the site's screens (--screen ID, or --site)")
    topics = topics or Topics()
    user = bridge_role(name)
    password = new_password()
    _account(admin, user, password, user, bridge_acls(topics, screens), again,
             "--again gives it a new password and the current list of screens")
    folder = out_dir / f"bridge-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    ca_target = Path("/etc/mosquitto/signage/county-ca.crt")
    if admin.ca_file:
        shutil.copyfile(admin.ca_file, folder / "county-ca.crt")
    text = render_bridge(BRIDGE_TEMPLATE.read_text("utf-8"), name=name, address=county_address,
                         ca_file=ca_target, password=password, screens=screens, topics=topics)
    write_private(folder / "bridge.conf", text.encode("utf-8"))
    return folder


def revoke_bridge(admin: BrokerAccess, name: str) -> bool:
    from signage.fleet.access import bridge_role

    return _delete_account(admin, bridge_role(name), bridge_role(name))


def revoke(admin: BrokerAccess, screen: str, publisher: BrokerAccess | None = None,
           topics: Topics | None = None) -> bool:
    """Delete the screen's client (disconnecting it) and role; False if it was not enrolled.
    The plugin disconnects it without its last will, so with ``publisher`` access the screen's
    retained presence is set to offline here (else `signage status` would show it online)."""
    _check_screen(screen)
    existed = _delete_account(admin, screen, screen_role(screen))
    if publisher is not None:
        _mark_offline(publisher, screen, topics or Topics())
    return existed


def _mark_offline(access: BrokerAccess, screen: str, topics: Topics) -> None:
    import uuid

    from signage.contract.wire import encode_presence

    connection = Connection(access, f"signage-revoke-{uuid.uuid4().hex[:8]}")
    connection.start()
    try:
        if not connection.wait_connected(10):
            raise EnrollmentError(f"revoked {screen}, but cannot reach the broker at {access.url} to "
                                  "mark it offline")
        connection.publish(topics.presence(screen), encode_presence(screen, False),
                           retain=True).wait_for_publish(10)
    finally:
        connection.stop()


def _delete_account(admin: BrokerAccess, username: str, role: str) -> bool:
    with DynsecAdmin(admin) as broker:
        existed = broker.client_exists(username)
        if existed:
            broker.delete_client(username)
        if broker.role_exists(role):
            broker.delete_role(role)
    return existed
