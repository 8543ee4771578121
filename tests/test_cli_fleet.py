"""serve, status, player, demo and keys as a user runs them: real processes on loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_CONTENT
from harness import wait_until


def signage(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "signage.cli", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def test_keys_init_refuses_to_overwrite(tmp_path: Path) -> None:
    first = signage("keys", "init", "--data", tmp_path)
    assert first.returncode == 0 and (tmp_path / "publisher.pub").exists()
    assert (tmp_path / "publisher.key").stat().st_mode & 0o077 == 0
    again = signage("keys", "init", "--data", tmp_path)
    assert again.returncode == 1 and "--force" in again.stderr


def test_sigterm_while_serve_starts_stops_its_broker_and_exits_cleanly(tmp_path: Path) -> None:
    """A service manager may stop `serve` before it has finished starting (the console still
    loading): the embedded mosquitto it already started must stop with it, and the exit is 0."""
    import shutil
    import socket

    data, content = tmp_path / "data", tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)  # the console writes its review key into county.yaml
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web = f"127.0.0.1:{probe.getsockname()[1]}"
    serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content", content,
                              "--screens", REPO / "layouts", "--data", data, "--web", web],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = wait_until(lambda: (data / "broker.url").exists()
                         and (data / "broker.url").read_text().strip(), 60, "broker url")
        port = int(url.rsplit(":", 1)[1])
        socket.create_connection(("127.0.0.1", port), 5).close()  # the broker is up
        serve.send_signal(signal.SIGTERM)  # long before "watching …": the publisher is still starting
        output = serve.communicate(timeout=60)[0]
    finally:
        serve.kill()
    assert serve.returncode == 0, output[-2000:]
    assert "watching" not in output  # the signal came during start-up, as meant
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), 2).close()


def test_serve_status_and_player_end_to_end(tmp_path: Path) -> None:
    data = tmp_path / "data"
    serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content",
                              SAMPLE_CONTENT, "--screens", REPO / "layouts", "--data", data, "--no-web"],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    player = None
    try:
        url_file = wait_until(lambda: (data / "broker.url").exists() and data / "broker.url",
                              30, "broker url")
        url = url_file.read_text().strip()
        assert url.startswith("mqtt://127.0.0.1:")
        player = subprocess.Popen(
            [sys.executable, "-m", "signage.cli", "player", "log", "--screen", "taixi-lobby-led",
             "--broker", url, "--public-key", data / "publisher.pub", "--cache", tmp_path / "c"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

        def taixi_up_to_date() -> dict | None:
            run = signage("status", "--json", "--data", data, "--screens", REPO / "layouts")
            rows = {row["screen"]: row for row in json.loads(run.stdout or "[]")}
            row = rows.get("taixi-lobby-led")
            return rows if row and row["online"] and row["up_to_date"] else None

        rows = wait_until(taixi_up_to_date, 40, "player online and up to date")
        assert rows["county-hall-kiosk"]["online"] is None  # declared but never seen
        assert rows["county-hall-kiosk"]["latest"] is not None
        table = signage("status", "--data", data, "--screens", REPO / "layouts")
        assert "taixi-lobby-led" in table.stdout and "online" in table.stdout
    finally:
        for process in filter(None, (player, serve)):
            process.send_signal(signal.SIGTERM)
            process.wait(20)
    assert serve.returncode == 0
    assert "published:" in serve.stdout.read()
    assert not (data / "broker.url").exists()
    assert subprocess.run(["pgrep", "-f", str(data / "broker")], capture_output=True).returncode == 1


def test_status_without_broker_is_a_clear_error(tmp_path: Path) -> None:
    run = signage("status", "--data", tmp_path)
    assert run.returncode == 2 and "signage serve" in run.stderr


def test_demo_runs_and_stops_by_itself(tmp_path: Path) -> None:
    run = signage("demo", "--data", tmp_path / "demo", "--for", "15", "--no-web", timeout=120)  # ends itself
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "屏幕状态" in run.stdout and "demo stopped" in run.stdout
    logs = list((tmp_path / "demo" / "logs").glob("*.log"))
    assert len(logs) == 5
    assert all("version" in log.read_text("utf-8") for log in logs)


def test_command_screenshot_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content",
                              SAMPLE_CONTENT, "--screens", REPO / "layouts", "--data", data, "--no-web"],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    player = None
    try:
        url = wait_until(lambda: (data / "broker.url").exists()
                         and (data / "broker.url").read_text().strip(), 30, "broker url")
        player = subprocess.Popen(
            [sys.executable, "-m", "signage.cli", "player", "log", "--screen", "renshe-board",
             "--broker", url, "--public-key", data / "publisher.pub", "--cache", tmp_path / "c"],
            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        shot = tmp_path / "shot.png"
        run = wait_until(lambda: (r := signage("command", "renshe-board", "screenshot", "--data",
                                               data, "-o", shot, "--timeout", "5")).returncode == 0
                         and r, 60, "screenshot")
        assert "written" in run.stdout
        assert shot.read_bytes().startswith(b"\x89PNG")
        assert signage("command", "renshe-board", "identify", "--data", data).returncode == 0
    finally:
        for process in filter(None, (player, serve)):
            process.send_signal(signal.SIGTERM)
            process.wait(20)


def test_demo_with_a_relative_data_folder(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "signage.cli", "demo", "--content", SAMPLE_CONTENT, "--screens",
         REPO / "layouts", "--data", "relative-data", "--for", "3", "--no-web"],
        cwd=tmp_path, capture_output=True, text=True, timeout=90,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "relative-data" / "broker" / "mosquitto.db").exists()
