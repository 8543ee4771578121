"""deploy/: the setup scripts staged into a temporary root (no root, no network, no running
systemd), and the systemd units checked by systemd itself (`systemd-analyze verify`)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
SETUP_PLAYER = DEPLOY / "setup-player.sh"
SETUP_PUBLISHER = DEPLOY / "setup-publisher.sh"
PLAYER_UNITS = ("signage-player@.service", "signage-kiosk@.service", "signage-kiosk-kms@.service")
ALL_UNITS = (*PLAYER_UNITS, "signage-publisher.service")
WANTS = "etc/systemd/system/multi-user.target.wants"
SCREEN = "lobby-1"


# --- helpers ---------------------------------------------------------------------------------


def unit_settings(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as systemd reads it: sections of (key, value), continuation lines joined,
    repeated keys kept."""
    sections: dict[str, list[tuple[str, str]]] = {}
    section = ""
    pending = ""
    for raw in path.read_text("utf-8").splitlines():
        line = pending + raw.strip()
        pending = ""
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            sections.setdefault(section, [])
        else:
            key, _, value = line.partition("=")
            sections[section].append((key.strip(), " ".join(value.split())))
    return sections


def values(path: Path, section: str, key: str) -> list[str]:
    return [v for k, v in unit_settings(path).get(section, []) if k == key]


def one(path: Path, section: str, key: str) -> str:
    found = values(path, section, key)
    assert len(found) == 1, f"{path.name}: [{section}] {key}= {found}"
    return found[0]


@pytest.fixture
def python_with_yaml(tmp_path: Path) -> dict[str, str]:
    """The environment for the scripts: their `python3` is one that has PyYAML (the venv's),
    as python3-yaml is on a real box."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


@pytest.fixture
def enrolment(tmp_path: Path) -> Path:
    """What enrolment hands an installer: player.yaml and the files it names beside it."""
    folder = tmp_path / "enrolment"
    (folder / "tls").mkdir(parents=True)
    config = {"screen": SCREEN, "broker": "mqtts://lobby-1@broker.example.gov.cn:8883",
              "username": SCREEN, "password": "s3cret", "public_keys": ["publisher.pub"],
              "ca_file": "tls/ca.crt", "renderer": {"output": {"type": "tpm2"}}}
    (folder / "player.yaml").write_text(yaml.safe_dump(config), "utf-8")
    (folder / "publisher.pub").write_text("ed25519 key\n", "utf-8")
    (folder / "tls" / "ca.crt").write_text("certificate\n", "utf-8")
    return folder / "player.yaml"


def setup_player(root: Path, env: dict[str, str], *args: str | Path,
                 ok: bool = True) -> subprocess.CompletedProcess[str]:
    """Always staged: --root is never left out here (these tests run as root)."""
    run = subprocess.run(["bash", str(SETUP_PLAYER), *map(str, args), "--root", str(root)],
                         capture_output=True, text=True, env=env, timeout=60)
    if ok:
        assert run.returncode == 0, run.stdout + run.stderr
    return run


def setup_publisher(root: Path, env: dict[str, str], *args: str | Path,
                    ok: bool = True) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(["bash", str(SETUP_PUBLISHER), *map(str, args), "--root", str(root)],
                         capture_output=True, text=True, env=env, timeout=60)
    if ok:
        assert run.returncode == 0, run.stdout + run.stderr
    return run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def tree(root: Path) -> dict[str, tuple[int, str]]:
    """Every file and link below root: mode and content (or link target)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path.relative_to(root))] = (0, os.readlink(path))
        elif path.is_file():
            found[str(path.relative_to(root))] = (mode(path), path.read_text("utf-8"))
    return found


# --- the scripts -----------------------------------------------------------------------------


@pytest.mark.parametrize("script", ["setup-player.sh", "setup-publisher.sh", "install-system-deps.sh"])
def test_scripts_parse_and_are_strict(script: str) -> None:
    path = DEPLOY / script
    run = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "set -euo pipefail" in path.read_text("utf-8")
    assert os.access(path, os.X_OK)


@pytest.mark.parametrize(("kind", "extra", "unit"), [
    ("led", [], f"signage-player@{SCREEN}.service"),
    ("board", [], f"signage-player@{SCREEN}.service"),
    ("log", [], f"signage-player@{SCREEN}.service"),
    ("kiosk", [], f"signage-kiosk@{SCREEN}.service"),
    ("kiosk", ["--kms"], f"signage-kiosk-kms@{SCREEN}.service"),
])
def test_setup_player_stages_a_complete_install(tmp_path: Path, enrolment: Path,
                                                python_with_yaml: dict[str, str], kind: str,
                                                extra: list[str], unit: str) -> None:
    root = tmp_path / "root"
    run = setup_player(root, python_with_yaml, "--kind", kind, "--config", enrolment, *extra)
    assert f"done: {unit}" in run.stdout
    players = root / "etc/signage/players"

    # The config, and the files it names, beside it and readable by the service only.
    assert mode(players) == 0o750
    config = players / f"{SCREEN}.yaml"
    assert config.read_bytes() == enrolment.read_bytes()
    assert mode(config) == 0o640  # it holds the broker password
    assert (players / "publisher.pub").read_text("utf-8") == "ed25519 key\n"
    assert (players / "tls/ca.crt").read_text("utf-8") == "certificate\n"
    assert mode(players / "publisher.pub") == mode(players / "tls/ca.crt") == 0o640

    env = players / f"{SCREEN}.env"
    assert mode(env) == 0o640
    settings = dict(line.split("=", 1) for line in env.read_text("utf-8").splitlines()
                    if line and not line.startswith("#"))
    expected = {"SIGNAGE_KIND": kind}
    if kind == "kiosk" and not extra:
        expected["SIGNAGE_CAGE_FLAGS"] = "-s"
    assert settings == expected

    # The units as shipped, and this screen's enabled.
    for name in PLAYER_UNITS:
        installed = root / "etc/systemd/system" / name
        assert installed.read_bytes() == (UNITS / name).read_bytes()
        assert mode(installed) == 0o644
    template = unit.split("@")[0] + "@.service"
    assert [p.name for p in (root / WANTS).iterdir()] == [unit]
    assert os.readlink(root / WANTS / unit) == f"/etc/systemd/system/{template}"

    dropin = root / f"etc/systemd/system/signage-player@{SCREEN}.service.d/10-kind.conf"
    if kind == "led":
        assert "SupplementaryGroups=dialout" in dropin.read_text("utf-8")
    elif kind in ("board", "log"):
        assert "PrivateDevices=yes" in dropin.read_text("utf-8")
    else:
        assert not dropin.exists()
    pam = root / "etc/pam.d/signage-kiosk"
    assert pam.exists() == (kind == "kiosk" and not extra)
    if pam.exists():
        assert "pam_systemd.so" in pam.read_text("utf-8")

    # Staged, not installed: no venv without --source, nothing outside the root.
    assert not (root / "opt/signage/venv").exists()
    assert (root / "opt/signage/share/DEPLOY-SERVICES.md").exists()
    assert sorted(p.name for p in root.iterdir()) == ["etc", "opt"]
    assert "skipped in staging root: systemctl restart" in run.stdout


def test_setup_player_is_idempotent_and_switches_cleanly(tmp_path: Path, enrolment: Path,
                                                         python_with_yaml: dict[str, str]) -> None:
    root = tmp_path / "root"
    setup_player(root, python_with_yaml, "--kind", "led", "--config", enrolment)
    first = tree(root)
    setup_player(root, python_with_yaml, "--kind", "led", "--config", enrolment)
    assert tree(root) == first

    # The same screen becomes a kiosk under cage, then on KMS: one unit enabled at a time.
    setup_player(root, python_with_yaml, "--kind", "kiosk", "--config", enrolment, "--rotate", "90")
    assert [p.name for p in (root / WANTS).iterdir()] == [f"signage-kiosk@{SCREEN}.service"]
    assert not (root / f"etc/systemd/system/signage-player@{SCREEN}.service.d").exists()
    assert "SIGNAGE_CAGE_FLAGS=-s -r\n" in (root / f"etc/signage/players/{SCREEN}.env").read_text()
    setup_player(root, python_with_yaml, "--kind", "kiosk", "--config", enrolment, "--kms")
    assert [p.name for p in (root / WANTS).iterdir()] == [f"signage-kiosk-kms@{SCREEN}.service"]
    assert "SIGNAGE_CAGE_FLAGS" not in (root / f"etc/signage/players/{SCREEN}.env").read_text()


def test_setup_player_rotation_turns_cage(tmp_path: Path, enrolment: Path,
                                          python_with_yaml: dict[str, str]) -> None:
    root = tmp_path / "root"
    setup_player(root, python_with_yaml, "--kind", "kiosk", "--config", enrolment, "--rotate", "270")
    env = (root / f"etc/signage/players/{SCREEN}.env").read_text("utf-8")
    assert "SIGNAGE_CAGE_FLAGS=-s -r -r -r\n" in env


def test_setup_player_dry_run_changes_nothing(tmp_path: Path, enrolment: Path,
                                              python_with_yaml: dict[str, str]) -> None:
    root = tmp_path / "root"
    run = setup_player(root, python_with_yaml, "--kind", "board", "--config", enrolment, "--dry-run")
    assert not root.exists()
    assert f"{root}/etc/signage/players/{SCREEN}.yaml" in run.stdout
    assert "SIGNAGE_KIND=board" in run.stdout
    assert f"+ ln -sfn /etc/systemd/system/signage-player@.service {root}/{WANTS}" in run.stdout


@pytest.mark.parametrize(("args", "config", "message"), [
    ([], {"screen": SCREEN}, "--kind is required"),
    (["--kind", "tv"], {"screen": SCREEN}, "--kind tv: use led, kiosk, board or log"),
    (["--kind", "led", "--kms"], {"screen": SCREEN}, "--kms is for --kind kiosk only"),
    (["--kind", "kiosk", "--kms", "--rotate", "90"], {"screen": SCREEN}, "--rotate needs cage"),
    (["--kind", "kiosk", "--rotate", "45"], {"screen": SCREEN}, "--rotate 45: use 0, 90, 180 or 270"),
    (["--kind", "led"], {"broker": "mqtts://x"}, "screen: '' is missing or not a screen id"),
    (["--kind", "led"], {"screen": "Lobby 1"}, "'Lobby 1' is missing or not a screen id"),
    (["--kind", "led"], ["not", "a", "mapping"], "expected a mapping"),
    (["--kind", "led"], {"screen": SCREEN, "public_keys": ["../publisher.pub"]}, "no .."),
    (["--kind", "led"], {"screen": SCREEN, "public_keys": ["missing.pub"]},
     "names missing.pub, which is not beside it"),
])
def test_setup_player_refuses_with_a_clear_message(tmp_path: Path, python_with_yaml: dict[str, str],
                                                   args: list[str], config: object,
                                                   message: str) -> None:
    path = tmp_path / "player.yaml"
    path.write_text(yaml.safe_dump(config), "utf-8")
    root = tmp_path / "root"
    run = setup_player(root, python_with_yaml, *args, "--config", path, ok=False)
    assert run.returncode != 0
    assert message in run.stderr
    assert not (root / "etc/signage/players").exists()


def test_setup_player_needs_a_config(tmp_path: Path, python_with_yaml: dict[str, str]) -> None:
    run = setup_player(tmp_path / "root", python_with_yaml, "--kind", "led", ok=False)
    assert "--config FILE is required" in run.stderr
    run = setup_player(tmp_path / "root", python_with_yaml, "--kind", "led", "--config",
                       tmp_path / "nope.yaml", ok=False)
    assert "no such file" in run.stderr


def test_setup_publisher_stages_env_and_unit(tmp_path: Path, python_with_yaml: dict[str, str]) -> None:
    root = tmp_path / "root"
    password = tmp_path / "password"
    password.write_text('pa$$ "word"\n', "utf-8")
    run = setup_publisher(root, python_with_yaml, "--broker", "mqtts://broker.example.gov.cn:8883",
                          "--username", "publisher", "--password-file", password,
                          "--layouts", REPO / "layouts")
    assert "done: signage-publisher.service" in run.stdout
    env = root / "etc/signage/publisher.env"
    assert mode(env) == 0o640
    line = [x for x in env.read_text("utf-8").splitlines() if x.startswith("SIGNAGE_BROKER=")]
    url = line[0].split("=", 1)[1]
    assert url == "mqtts://publisher:pa%24%24%20%22word%22@broker.example.gov.cn:8883"

    from signage.contract.address import parse_broker_url  # the publisher reads it back as given

    address = parse_broker_url(url)
    assert (address.username, address.password, address.host, address.port) == \
        ("publisher", 'pa$$ "word"', "broker.example.gov.cn", 8883)

    unit = root / "etc/systemd/system/signage-publisher.service"
    assert unit.read_bytes() == (UNITS / "signage-publisher.service").read_bytes()
    assert os.readlink(root / WANTS / "signage-publisher.service") == \
        "/etc/systemd/system/signage-publisher.service"
    assert (root / "srv/signage/layouts/screens.yaml").read_bytes() == \
        (REPO / "layouts/screens.yaml").read_bytes()
    assert (root / "srv/signage/content").is_dir()
    assert mode(root / "var/lib/signage") == 0o750

    first = tree(root)
    setup_publisher(root, python_with_yaml, "--broker", "mqtts://broker.example.gov.cn:8883",
                    "--username", "publisher", "--password-file", password)
    assert tree(root) == first


def test_setup_publisher_without_broker_uses_the_embedded_one(tmp_path: Path,
                                                              python_with_yaml: dict[str, str]) -> None:
    root = tmp_path / "root"
    run = setup_publisher(root, python_with_yaml)
    assert "starts its own mosquitto on 127.0.0.1" in run.stderr
    assert "SIGNAGE_BROKER=\n" in (root / "etc/signage/publisher.env").read_text("utf-8")


def test_setup_publisher_prefers_the_recorded_production_broker(tmp_path: Path,
                                                              python_with_yaml: dict[str, str]) -> None:
    """`signage broker setup --data /var/lib/signage` records the broker (URL, CA, credentials)
    where `signage serve` finds it when SIGNAGE_BROKER is empty: nothing secret in the unit."""
    root = tmp_path / "root"
    (root / "var/lib/signage").mkdir(parents=True)
    (root / "var/lib/signage/broker.yaml").write_text("broker: mqtts://127.0.0.1:8884\n", "utf-8")
    run = setup_publisher(root, python_with_yaml)
    assert "uses the production broker in /var/lib/signage/broker.yaml" in run.stdout
    assert "own mosquitto" not in run.stderr
    assert "SIGNAGE_BROKER=\n" in (root / "etc/signage/publisher.env").read_text("utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["--broker", "http://broker:8883"], "use mqtts://host:port"),
    (["--broker", "mqtts://broker:8883/signage"], "no path"),
    (["--username", "publisher"], "go with --broker URL"),
    (["--layouts", "/nonexistent"], "/nonexistent: no such folder"),
])
def test_setup_publisher_refuses_with_a_clear_message(tmp_path: Path, python_with_yaml: dict[str, str],
                                                      args: list[str], message: str) -> None:
    run = setup_publisher(tmp_path / "root", python_with_yaml, *args, ok=False)
    assert run.returncode != 0
    assert message in run.stderr


def test_dry_run_hides_the_broker_password(tmp_path: Path, python_with_yaml: dict[str, str]) -> None:
    run = setup_publisher(tmp_path / "root", python_with_yaml, "--dry-run",
                          "--broker", "mqtts://publisher:hunter2@broker:8883")
    assert "hunter2" not in run.stdout + run.stderr
    assert "SIGNAGE_BROKER=mqtts://***:***@broker:8883" in run.stdout


# --- the units -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_UNITS)
def test_units_restart_on_failure_under_a_watchdog(name: str) -> None:
    unit = UNITS / name
    assert one(unit, "Service", "Type") == "notify"
    assert int(one(unit, "Service", "WatchdogSec")) == 30
    assert one(unit, "Service", "Restart") == "on-failure"
    assert int(one(unit, "Service", "RestartSec")) > 0
    assert one(unit, "Unit", "StartLimitIntervalSec") == "0"  # an unattended box never gives up
    assert one(unit, "Service", "User") == "signage"
    assert one(unit, "Service", "NoNewPrivileges") == "yes"
    assert values(unit, "Service", "PrivateTmp") == ["yes"]
    assert one(unit, "Install", "WantedBy") == "multi-user.target"
    assert "/opt/signage/venv/bin/signage" in one(unit, "Service", "ExecStart")


@pytest.mark.parametrize("name", ["signage-publisher.service", "signage-player@.service",
                                  "signage-kiosk-kms@.service"])
def test_units_without_a_session_are_hardened(name: str) -> None:
    unit = UNITS / name
    assert one(unit, "Service", "ProtectSystem") == "strict"
    assert one(unit, "Service", "ProtectHome") == "yes"
    assert one(unit, "Service", "StateDirectory").startswith("signage")  # the writable part


def test_publisher_unit() -> None:
    unit = UNITS / "signage-publisher.service"
    assert one(unit, "Service", "ExecStart") == (
        "/opt/signage/venv/bin/signage serve --content /srv/signage/content "
        "--screens /srv/signage/layouts/screens.yaml --data /var/lib/signage "
        "--broker ${SIGNAGE_BROKER}")
    assert one(unit, "Service", "EnvironmentFile") == "/etc/signage/publisher.env"
    assert one(unit, "Service", "WorkingDirectory") == "/var/lib/signage"
    assert one(unit, "Service", "NotifyAccess") == "main"


def test_player_units_read_the_screens_files() -> None:
    for name in PLAYER_UNITS:
        unit = UNITS / name
        command = one(unit, "Service", "ExecStart")
        assert "--screen %i --config /etc/signage/players/%i.yaml" in command
        assert "--cache /var/lib/signage/players/%i" in command
        assert one(unit, "Service", "EnvironmentFile") == "/etc/signage/players/%i.env"
        assert "StateDirectory" in dict(unit_settings(unit)["Service"])
    assert "player ${SIGNAGE_KIND}" in one(UNITS / "signage-player@.service", "Service", "ExecStart")


def test_kiosk_under_cage_is_a_session_on_tty1() -> None:
    unit = UNITS / "signage-kiosk@.service"
    command = one(unit, "Service", "ExecStart")
    assert command.startswith("/usr/bin/cage $SIGNAGE_CAGE_FLAGS -- ")
    # The player inside cage pets the watchdog: it must accept it, and systemd must hear it.
    assert "/usr/bin/env -u WATCHDOG_PID /opt/signage/venv/bin/signage player kiosk" in command
    assert one(unit, "Service", "NotifyAccess") == "all"
    assert one(unit, "Service", "PAMName") == "signage-kiosk"
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"
    assert one(unit, "Service", "StandardInput") == "tty-fail"
    assert "SDL_VIDEODRIVER=wayland" in " ".join(values(unit, "Service", "Environment"))
    assert "getty@tty1.service" in values(unit, "Unit", "Conflicts")
    assert (DEPLOY / "kiosk/pam-signage-kiosk").read_text("utf-8").count("pam_systemd.so") == 1


def test_kiosk_on_kms() -> None:
    unit = UNITS / "signage-kiosk-kms@.service"
    assert "SDL_VIDEODRIVER=kmsdrm" in " ".join(values(unit, "Service", "Environment"))
    assert set(one(unit, "Service", "SupplementaryGroups").split()) >= {"video", "render", "input"}
    assert one(unit, "Service", "NotifyAccess") == "main"
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"
    assert "getty@tty1.service" in values(unit, "Unit", "Conflicts")


def test_units_call_options_the_cli_has() -> None:
    from signage.cli import main

    def options(command: str) -> set[str]:
        return {opt for param in main.commands[command].params for opt in getattr(param, "opts", [])}

    assert {"--screen", "--config", "--cache"} <= options("player")
    assert {"--content", "--screens", "--data", "--broker"} <= options("serve")
    kinds = next(p for p in main.commands["player"].params if p.name == "kind").type.choices
    assert {"led", "board", "log", "kiosk"} <= set(kinds)


# --- systemd's own reading of the units --------------------------------------------------------

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
SYSTEM_UNITS = Path("/usr/lib/systemd/system")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None or not (SYSTEM_UNITS / "multi-user.target").exists(),
    reason="systemd-analyze and systemd's own units (package systemd) are needed to verify units")


def staged_system(tmp_path: Path, env: dict[str, str], enrolment: Path) -> Path:
    """A root with systemd's units, our units installed by the scripts as on a box, and stub
    executables where the units' programs will be (verify checks that ExecStart exists)."""
    root = tmp_path / "system"
    shutil.copytree(SYSTEM_UNITS, root / "usr/lib/systemd/system", symlinks=True)
    setup_player(root, env, "--kind", "led", "--config", enrolment)
    setup_publisher(root, env, "--broker", "mqtts://publisher:pw@broker.example.gov.cn:8883")
    for program in ("opt/signage/venv/bin/signage", "usr/bin/cage"):
        path = root / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n", "utf-8")
        path.chmod(0o755)
    return root


def verify(root: Path, *units: str) -> list[str]:
    """What systemd-analyze says about our units: nothing, for good ones. (It exits 0 on unknown
    keys and unparsable values, which it only warns about: those warnings count here.)"""
    assert SYSTEMD_ANALYZE is not None
    run = subprocess.run([SYSTEMD_ANALYZE, f"--root={root}", "verify", *units],
                         capture_output=True, text=True, timeout=60)
    problems = [line for line in (run.stdout + run.stderr).splitlines() if "signage" in line]
    if run.returncode != 0 and not problems:
        problems = [f"systemd-analyze exited {run.returncode}: {run.stderr.strip()}"]
    return problems


@needs_systemd_analyze
def test_systemd_verifies_every_unit(tmp_path: Path, enrolment: Path,
                                     python_with_yaml: dict[str, str]) -> None:
    root = staged_system(tmp_path, python_with_yaml, enrolment)
    units = [f"signage-player@{SCREEN}.service", f"signage-kiosk@{SCREEN}.service",
             f"signage-kiosk-kms@{SCREEN}.service", "signage-publisher.service"]
    assert verify(root, *units) == []
    # The LED sign's drop-in is part of what was verified.
    assert (root / f"etc/systemd/system/signage-player@{SCREEN}.service.d/10-kind.conf").exists()


@needs_systemd_analyze
@pytest.mark.parametrize(("change", "complaint"), [
    (("WatchdogSec=30", "WatchdogSecs=30"), "Unknown key"),
    (("Restart=on-failure", "Restart=sometimes"), "restart specifier"),
    (("ExecStart=/opt/signage/venv/bin/signage", "ExecStart=/opt/signage/bin/signage"),
     "is not executable"),
])
def test_verification_catches_a_broken_unit(tmp_path: Path, enrolment: Path,
                                            python_with_yaml: dict[str, str],
                                            change: tuple[str, str], complaint: str) -> None:
    """The check above can fail: a broken unit is reported."""
    root = staged_system(tmp_path, python_with_yaml, enrolment)
    unit = root / "etc/systemd/system/signage-player@.service"
    text = unit.read_text("utf-8")
    assert change[0] in text
    unit.write_text(text.replace(change[0], change[1]), "utf-8")
    problems = verify(root, f"signage-player@{SCREEN}.service")
    assert any(complaint in line for line in problems), problems
