"""Boards in the console: a unit's board PDF per board screen (read back with pdftotext), and
送打印站 — the signed ``print`` command over a real mosquitto to a real print station (board
renderer in the player runtime), which prints its current boards again; a screen that does not
print says so. Office only for sending; a clerk downloads their own unit's board only (IDOR);
CSRF on the POST; audit entries."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, TODAY
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import PASSWORD, audit_entries, client_for, csrf_token
from harness import SCREENS, Fleet, wait_until

BOARD_SCREEN = SCREENS + """\
  - id: demo-board
    kind: board
    site: 测试公开栏
    layout: board-a3
"""


def pdf_text(tmp_path: Path, data: bytes) -> str:
    path = tmp_path / "board.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_board_pdf_per_unit_and_screen(site: Any, accounts: dict, tmp_path: Path) -> None:
    from signage.console.site import install

    install(dataclasses.replace(site, screens_path=REPO / "layouts"))
    office = client_for("office")
    page = office.get("/office/boards").content.decode()
    assert "renshe-board" in page and 'href="/boards/renshe-board/renshe.pdf"' in page
    assert "/boards/renshe-board/gongshang.pdf" not in page  # renshe's board posts renshe only
    response = office.get("/boards/renshe-board/renshe.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "公开栏" in pdf_text(tmp_path, response.content) or response.content.startswith(b"%PDF")
    assert office.get("/boards/renshe-board/gongshang.pdf").status_code == 404  # not on that board
    assert office.get("/boards/nosuch-board/renshe.pdf").status_code == 404
    assert office.get("/boards/renshe-board/..%2Frenshe.pdf").status_code == 404
    assert [e.target for e in audit_entries() if e.action == "board-pdf"] == ["board/renshe-board/renshe"]
    boards = [b for b in page.split("<h2 ")[1:] if "taixi-board" in b]
    assert boards, "every board screen is listed"
    clerk = client_for("clerk")  # gongshang's clerk
    assert clerk.get("/boards/renshe-board/renshe.pdf").status_code == 404  # another unit: as if none
    assert clerk.get("/office/boards").status_code == 403
    assert clerk.post("/office/boards/renshe-board/print").status_code == 403
    assert client_for("reviewer").get("/boards/renshe-board/renshe.pdf").status_code == 403


@pytest.fixture
def station(broker: Any, tmp_path: Path) -> Any:
    """A publisher and a print station (board renderer, no printer: renders and records)."""
    from players.board.renderer import BoardRenderer

    fleet = Fleet(tmp_path, broker)
    (fleet.screens / "screens.yaml").write_text(BOARD_SCREEN, "utf-8")
    shutil.copy(REPO / "layouts" / "board-a3.yaml", fleet.screens / "board-a3.yaml")
    report = fleet.publisher().publish()
    assert "demo-board" in report.versions
    renderer = BoardRenderer("demo-board", tmp_path / "station", today=lambda: TODAY)
    board = fleet.player("demo-board", renderer=renderer)
    kiosk = fleet.player("hall-kiosk")
    try:
        # history.jsonl grows one board at a time: wait for the whole first round (every board)
        wait_until(lambda: board.version and renderer.rounds >= 1, 120, "the station's first round of prints")
        yield fleet, renderer, board, kiosk
    finally:
        fleet.close()


def test_send_to_print_station(site: Any, accounts: dict, station: Any, broker: Any) -> None:
    from signage.console.site import install
    from signage.fleet.commands import send_command

    fleet, renderer, board, kiosk = station
    install(dataclasses.replace(site, content_dir=fleet.content, screens_path=fleet.screens,
                                send_command=lambda screen, name: send_command(broker.url, fleet.data,
                                                                               screen, name, timeout=10)))
    office = client_for("office", csrf=True)
    token = csrf_token(office, "/office/boards")
    assert office.post("/office/boards/demo-board/print").status_code == 403  # no CSRF token
    printed = [(r.board, r.digest) for r in renderer.history.records()]
    assert printed == [(r.board, r.digest) for r in renderer.last_round]  # one round: each board once
    assert len(printed) == len({board for board, _ in printed}) >= 2
    time.sleep(1.5)  # the station's loop goes round every second: nothing is printed unasked
    assert renderer.rounds == 1 and len(renderer.history.records()) == len(printed)
    response = office.post("/office/boards/demo-board/print", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    wait_until(lambda: renderer.rounds >= 2, 120, "the station printing again")
    records = renderer.history.records()
    assert len(records) == 2 * len(printed)  # each board once more, no more
    again = [(r.board, r.digest) for r in records[len(printed):]]
    assert again == printed  # the same boards, unchanged, printed once more on request
    assert {r.version for r in records} == {board.version}  # a reprint, not a new version
    assert [e.detail for e in audit_entries() if e.action == "command"] == ["送打印站（重新打印公开栏）"]
    assert office.post("/office/boards/hall-kiosk/print", {"csrfmiddlewaretoken": token}).status_code == 404
    # a screen that does not print is told to, through the runtime: it says why instead
    since = kiosk.runtime.last_error
    send_command(broker.url, fleet.data, "hall-kiosk", "print", timeout=10)
    kiosk.error_after(since, "print-unsupported")


def test_clerks_unit_page_links_their_own_board(site: Any, accounts: dict, tmp_path: Path) -> None:
    from django.contrib.auth.models import User

    from signage.console.accounts.users import add_user
    from signage.console.site import install

    install(dataclasses.replace(site, screens_path=REPO / "layouts"))
    renshe = "renshe-clerk"  # a clerk of a unit a board posts; removed again (the session's
    add_user(renshe, "unit", "renshe", PASSWORD, full_name="RENSHE")  # accounts are counted)
    try:
        _renshe_clerk_sees_their_board(renshe, tmp_path)
    finally:
        User.objects.filter(username=renshe).delete()


def _renshe_clerk_sees_their_board(renshe: str, tmp_path: Path) -> None:
    clerk = client_for(renshe)
    page = clerk.get("/unit/renshe/").content.decode()
    assert 'href="/boards/renshe-board/renshe.pdf"' in page  # their unit is posted on renshe-board
    response = clerk.get("/boards/renshe-board/renshe.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "人力资源和社会保障局" in pdf_text(tmp_path, response.content)
    assert clerk.get("/boards/taixi-board/taixi.pdf").status_code == 404  # another unit's board
    assert clerk.get("/unit/taixi/").status_code in (403, 404)
    gongshang = client_for("clerk").get("/unit/gongshang/").content.decode()
    assert "/boards/" not in gongshang  # no board posts gongshang: no link
    assert client_for("clerk").get("/boards/renshe-board/renshe.pdf").status_code == 404
    assert "/boards/" not in client_for("reviewer").get("/unit/renshe/").content.decode()
