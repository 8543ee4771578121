"""The production flow as an operator runs it, real processes against the shipped broker config:
`signage serve` on the production broker, `enroll`, `player` with the enrolled config,
`status`, `revoke`, `bridge enroll`; and `broker setup` itself."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from conftest import REPO, SAMPLE_CONTENT
from harness import wait_until
from production import start_production
from test_cli_fleet import signage

from signage.fleet.production import DYNSEC_FILE, SetupError, install


def test_serve_enroll_player_status_revoke(tmp_path: Path) -> None:
    production = start_production(tmp_path / "broker")
    data = production.data
    serve = player = None
    try:
        serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content",
                                  SAMPLE_CONTENT, "--screens", REPO / "layouts", "--data", data, "--no-web"],
                                 cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        enrolled = signage("enroll", "taixi-lobby-led", "--data", data, "-o", tmp_path / "enrolled")
        assert enrolled.returncode == 0, enrolled.stderr
        folder = tmp_path / "enrolled" / "taixi-lobby-led"
        assert {p.name for p in folder.iterdir()} == {"player.yaml", "ca.crt", "publisher.pub"}
        assert (folder / "player.yaml").stat().st_mode & 0o077 == 0
        again = signage("enroll", "taixi-lobby-led", "--data", data, "-o", tmp_path / "enrolled")
        assert again.returncode == 1 and "--again" in again.stderr

        player = subprocess.Popen(
            [sys.executable, "-m", "signage.cli", "player", "log", "--config", folder / "player.yaml",
             "--cache", tmp_path / "cache"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def up_to_date() -> bool:
            run = signage("status", "--json", "--data", data, "--screens", REPO / "layouts")
            rows = {row["screen"]: row for row in json.loads(run.stdout or "[]")}
            row = rows.get("taixi-lobby-led")
            return bool(row and row["online"] and row["up_to_date"])

        wait_until(up_to_date, 60, "the enrolled player online and up to date (over TLS)")
        revoked = signage("revoke", "taixi-lobby-led", "--data", data)
        assert revoked.returncode == 0 and "revoked" in revoked.stdout

        def offline() -> bool:
            run = signage("status", "--json", "--data", data, "--screens", REPO / "layouts")
            rows = {row["screen"]: row for row in json.loads(run.stdout or "[]")}
            return rows["taixi-lobby-led"]["online"] is False

        wait_until(offline, 30, "the revoked player is offline")
        bridged = signage("bridge", "enroll", "taixi", "--site", "台西区政务服务中心", "--county",
                          "signage.example:8883", "--data", data, "-o", tmp_path / "bridges")
        assert bridged.returncode == 0, bridged.stderr
        conf = (tmp_path / "bridges" / "bridge-taixi" / "bridge.conf").read_text("utf-8")
        assert "topic signage/v1/screen/taixi-lobby-led/manifest in 1" in conf
        assert "address signage.example:8883" in conf
        assert "remote_username signage-bridge-taixi" in conf
        no_site = signage("bridge", "enroll", "x", "--site", "无此站点", "--county", "h:1", "--data", data)
        assert no_site.returncode != 0 and "无此站点" in no_site.stderr
    finally:
        for process in filter(None, (player, serve)):
            process.send_signal(signal.SIGTERM)
            process.wait(20)
        production.stop()
    output = player.stdout.read() if player and player.stdout else ""
    assert "Not authorized" in output or "refused" in output


def test_broker_setup_writes_and_installs(tmp_path: Path) -> None:
    out, data = tmp_path / "files", tmp_path / "data"
    done = signage("broker", "setup", "--host", "signage.county.gov.cn", "--host", "10.1.2.3",
                   "-o", out, "--data", data)
    assert done.returncode == 0, done.stderr
    assert "mqtts://signage.county.gov.cn:8883" in done.stdout
    for name in ("ca.crt", "ca.key", "server.crt", "server.key", DYNSEC_FILE, "mosquitto.conf"):
        assert (out / name).exists(), name
    for private in ("ca.key", "server.key", DYNSEC_FILE):
        assert (out / private).stat().st_mode & 0o077 in (0, 0o040), private
    for access in ("broker.yaml", "broker-admin.yaml"):
        assert (data / access).stat().st_mode & 0o077 == 0
    text = subprocess.run(["openssl", "x509", "-in", out / "server.crt", "-noout", "-text"],
                          capture_output=True, text=True, check=True).stdout
    assert "DNS:signage.county.gov.cn" in text and "IP Address:10.1.2.3" in text
    verify = subprocess.run(["openssl", "verify", "-CAfile", out / "ca.crt", out / "server.crt"],
                            capture_output=True, text=True)
    assert verify.returncode == 0, verify.stderr
    conf = (out / "mosquitto.conf").read_text("utf-8")
    assert "allow_anonymous false" in conf and "use_username_as_clientid true" in conf
    assert "certfile /etc/mosquitto/signage/server.crt" in conf
    second = signage("broker", "setup", "--host", "h", "-o", out, "--data", data)
    assert second.returncode == 1 and "--force" in second.stderr
    placed = install(out, tmp_path / "root")
    assert (tmp_path / "root/var/lib/mosquitto" / DYNSEC_FILE).stat().st_mode & 0o777 == 0o600
    assert len(placed) == 5
    try:
        install(out, tmp_path / "root")
        raise AssertionError("an installed plugin file was replaced")
    except SetupError as exc:
        assert "--force" in str(exc)
