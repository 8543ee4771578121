"""The production broker's files: mosquitto.conf from deploy/, TLS material, the dynamic-security
bootstrap, and the access files the publisher and the admin tools log in with.

`signage broker setup` writes them into a folder (and with ``--install`` puts them where
Debian's mosquitto looks). Tests render the very same deploy/mosquitto/mosquitto.conf with
their own ports and folders, so the configuration that is tested is the one that is shipped.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from signage.contract.connection import BrokerAccess
from signage.contract.topics import Topics
from signage.fleet.access import ADMIN_USER, PUBLISHER_USER, bootstrap_document, new_password
from signage.fleet.broker import EmbeddedBroker
from signage.fleet.tls import CA_CERT, SERVER_CERT, SERVER_KEY, create_tls

# deploy/mosquitto is a link to this folder, so the files also travel inside the package.
CONFIGS = Path(__file__).resolve().parents[1] / "data" / "mosquitto"
TEMPLATE = CONFIGS / "mosquitto.conf"
BRIDGE_TEMPLATE = CONFIGS / "site-bridge.conf"
DYNSEC_FILE = "signage-dynsec.json"
ADMIN_ACCESS_FILE = "broker-admin.yaml"  # in the publisher's data folder, mode 0600
PUBLISHER_ACCESS_FILE = "broker.yaml"
PLAYER_PORT, TOOLS_PORT = 8883, 8884
INSTALLED_CONFIG = Path("etc/mosquitto/mosquitto.conf")
INSTALLED_CERTS = Path("etc/mosquitto/signage")
INSTALLED_STATE = Path("var/lib/mosquitto")


class SetupError(RuntimeError):
    """Setup would overwrite something that must be kept, or cannot find mosquitto's plugin."""


def dynsec_plugin() -> str:
    """Where this machine's mosquitto keeps the dynamic-security plugin (the path has the
    architecture in it: x86_64 on a server, aarch64 on a Raspberry Pi)."""
    found = sorted(glob.glob("/usr/lib/*/mosquitto_dynamic_security.so")
                   + glob.glob("/usr/lib/mosquitto_dynamic_security.so")
                   + glob.glob("/usr/local/lib/mosquitto_dynamic_security.so"))
    if not found:
        raise SetupError("mosquitto's dynamic-security plugin is not installed "
                         "(Debian: apt-get install mosquitto, version 2.0 or later)")
    return found[0]


def render_config(template: str, *, cert_dir: Path, state_dir: Path, plugin: str,
                  player_listener: str = str(PLAYER_PORT),
                  tools_listener: str = f"{TOOLS_PORT} 127.0.0.1",
                  log_file: Path | None = None, user: str | None = None) -> str:
    """deploy/mosquitto/mosquitto.conf with its paths, listeners and log moved; every line that
    names a path is rewritten, so nothing points at /etc or /var by accident."""
    def line_for(line: str) -> str:
        word, _, value = line.partition(" ")
        if word == "plugin":
            return f"plugin {plugin}"
        if word == "plugin_opt_config_file":
            return f"{word} {state_dir / Path(value).name}"
        if word == "persistence_location":
            return f"{word} {state_dir}/"
        if word in ("certfile", "keyfile"):
            return f"{word} {cert_dir / Path(value).name}"
        if word == "listener":
            return f"listener {player_listener if value == str(PLAYER_PORT) else tools_listener}"
        if word == "log_dest" and log_file is not None:
            return f"log_dest file {log_file}"
        return line

    lines = [line_for(line) for line in template.splitlines()]
    return "\n".join(([f"user {user}"] if user else []) + lines) + "\n"


def render_bridge(template: str, *, name: str, address: str, ca_file: Path, password: str,
                  screens: list[str], topics: Topics | None = None) -> str:
    """deploy/mosquitto/site-bridge.conf for one site: its county address (``host:port``),
    credentials, and the EXAMPLE topic lines repeated for each of its screens."""
    from signage.fleet.access import bridge_role

    user = bridge_role(name)
    root = (topics or Topics()).root
    settings = {"address": address, "bridge_cafile": str(ca_file), "remote_username": user,
                "remote_password": password, "remote_clientid": user,
                "local_clientid": f"{user}-local"}
    lines: list[str] = []
    for line in template.splitlines():
        word = line.partition(" ")[0]
        if word in settings:
            lines.append(f"{word} {settings[word]}")
        elif word == "topic":
            line = line.replace(" signage/v1/", f" {root}/")
            lines += [line.replace("/EXAMPLE/", f"/{screen}/") for screen in screens] \
                if "/EXAMPLE/" in line else [line]
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class SetupResult:
    folder: Path  # certificates, dynsec bootstrap, rendered mosquitto.conf
    admin: Path  # access file of the admin (enrolment)
    publisher: Path  # access file of the publisher
    player_url: str  # what enrolled players connect to


def setup_broker(folder: Path, data_dir: Path, hosts: list[str], *, topics: Topics | None = None,
                 force: bool = False, tools_url: str | None = None,
                 player_url: str | None = None) -> SetupResult:
    """Write TLS material, the plugin's bootstrap file with fresh admin and publisher passwords,
    the rendered config, and the two access files (mode 0600) into ``data_dir``."""
    bootstrap = folder / DYNSEC_FILE
    if bootstrap.exists() and not force:
        raise SetupError(f"{bootstrap} exists and holds the enrolled players; "
                         "use --force only to start over (every player must then be enrolled again)")
    tls = create_tls(folder, hosts)
    admin_password, publisher_password = new_password(), new_password()
    document = bootstrap_document(topics or Topics(), admin_password, publisher_password)
    write_private(bootstrap, json.dumps(document, indent=1).encode("utf-8"))
    (folder / "mosquitto.conf").write_text(render_config(
        TEMPLATE.read_text("utf-8"), cert_dir=Path("/") / INSTALLED_CERTS,
        state_dir=Path("/") / INSTALLED_STATE, plugin=dynsec_plugin()), "utf-8")
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(tls.ca_cert, data_dir / CA_CERT)
    tools = tools_url or f"mqtts://127.0.0.1:{TOOLS_PORT}"
    admin = data_dir / ADMIN_ACCESS_FILE
    publisher = data_dir / PUBLISHER_ACCESS_FILE
    players = player_url or f"mqtts://{hosts[0]}:{PLAYER_PORT}"
    write_access(admin, BrokerAccess(tools, None, ADMIN_USER, admin_password), CA_CERT,
                 player_broker=players)
    write_access(publisher, BrokerAccess(tools, None, PUBLISHER_USER, publisher_password), CA_CERT)
    return SetupResult(folder, admin, publisher, players)


def install(folder: Path, root: Path = Path("/"), *, force: bool = False) -> list[Path]:
    """Put the setup's files where Debian's mosquitto reads them (``root`` for staging); the
    key and the plugin's file belong to the mosquitto user when it exists. An installed plugin
    file is never replaced without ``force``: it holds the enrolled players."""
    live = root / INSTALLED_STATE / DYNSEC_FILE
    if live.exists() and not force:
        raise SetupError(f"{live} exists and holds the enrolled players; use --force to replace it")
    placed = []
    for name, target, mode in ((CA_CERT, INSTALLED_CERTS, 0o644), (SERVER_CERT, INSTALLED_CERTS, 0o644),
                               (SERVER_KEY, INSTALLED_CERTS, 0o600),
                               (DYNSEC_FILE, INSTALLED_STATE, 0o600),
                               ("mosquitto.conf", INSTALLED_CONFIG.parent, 0o644)):
        destination = root / target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / name, destination)
        os.chmod(destination, mode)
        if mode == 0o600:
            _give_to_mosquitto(destination)
        placed.append(destination)
    return placed


def _give_to_mosquitto(path: Path) -> None:
    import pwd

    try:
        pwd.getpwnam("mosquitto")
    except KeyError:
        return
    if os.geteuid() == 0:
        shutil.chown(path, "mosquitto", "mosquitto")


def write_access(path: Path, access: BrokerAccess, ca_name: str | None, **extra: Any) -> None:
    text = yaml.safe_dump({**access.as_yaml(ca_name), **extra}, allow_unicode=True, sort_keys=False)
    write_private(path, text.encode("utf-8"))


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)


class ConfiguredBroker(EmbeddedBroker):
    """A mosquitto on loopback run from a given configuration (tests, local trials of the
    production setup); start/stop/restart as for the embedded broker."""

    def __init__(self, data_dir: Path, port: int, render: Callable[[int], str]) -> None:
        super().__init__(data_dir, port=port)
        self._render = render

    def config_text(self) -> str:
        return self._render(self.port or 0)
