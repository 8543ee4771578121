"""Printing boards through a real CUPS server (the private one of the `cups` fixture, into cups-pdf)
and the print history that proves what was posted."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF

from players.board.printing import PrintError, PrintHistory, PrintQueue, PrintRecord, timestamp

NOTO_SC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # face 2: Simplified Chinese
PAGES = ("台安县测试局 政务公开栏", "办事指南 第二页")


@pytest.fixture(scope="module")
def board_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-page board in Chinese, made once: loading the CJK font takes about a second."""
    path = tmp_path_factory.mktemp("board") / "board.pdf"
    pdf = FPDF()
    pdf.add_font("NotoSC", fname=NOTO_SC, collection_font_number=2)
    pdf.set_font("NotoSC", size=20)
    for text in PAGES:
        pdf.add_page()
        pdf.cell(text=text)
    pdf.output(str(path))
    return path


def unique_title() -> str:
    """cups-pdf names its file after the job title: a unique one finds this test's PDF."""
    return f"board-test-{uuid.uuid4().hex[:12]}"


def poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True, timeout=60).stdout


def page_count(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(pdf)), re.MULTILINE)
    assert match, f"pdfinfo gave no page count for {pdf}"
    return int(match.group(1))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- PrintQueue against the private CUPS server ------------------------------------------------


def test_a_board_prints_through_cups_with_its_chinese_text_and_pages(cups: Any, board_pdf: Path) -> None:
    queue = PrintQueue(cups.queue, cups.server)
    title = unique_title()
    job = queue.submit(board_pdf, title)
    assert re.fullmatch(rf"{cups.queue}-\d+", job)

    printed = cups.wait_for_pdf(title)
    text = poppler("pdftotext", str(printed), "-")
    assert PAGES[0] in text and PAGES[1] in text
    assert page_count(printed) == 2

    deadline = time.monotonic() + 60
    while queue.job_state(job) != "completed":
        assert time.monotonic() < deadline, f"{job} still {queue.job_state(job)}"
        time.sleep(0.2)


def test_two_jobs_get_their_own_ids_and_files(cups: Any, board_pdf: Path) -> None:
    queue = PrintQueue(cups.queue, cups.server)
    titles = [unique_title(), unique_title()]
    jobs = [queue.submit(board_pdf, title) for title in titles]
    assert len(set(jobs)) == 2
    printed = [cups.wait_for_pdf(title) for title in titles]
    assert printed[0] != printed[1] and all(page_count(path) == 2 for path in printed)


def test_an_unknown_queue_says_to_check_lpstat(cups: Any, board_pdf: Path) -> None:
    queue = PrintQueue("no-such-queue", cups.server)
    with pytest.raises(PrintError, match=r"'no-such-queue'.*does not exist.*`lpstat -h 127\.0\.0\.1:\d+ -p`"):
        queue.submit(board_pdf, unique_title())


def test_a_server_nobody_listens_on_is_reported_as_unreachable(cups: Any, board_pdf: Path) -> None:
    server = f"127.0.0.1:{free_port()}"
    with pytest.raises(PrintError, match=rf"CUPS server {server} is not reachable.*is cupsd running"):
        PrintQueue(cups.queue, server).submit(board_pdf, unique_title())


def test_a_queue_that_rejects_jobs_says_how_to_accept_them(cups: Any, board_pdf: Path) -> None:
    assert cups.run("cupsreject", cups.queue).returncode == 0
    try:
        with pytest.raises(PrintError, match=rf"rejects jobs.*`cupsaccept -h {cups.server} {cups.queue}`"):
            PrintQueue(cups.queue, cups.server).submit(board_pdf, unique_title())
    finally:
        assert cups.run("cupsaccept", cups.queue).returncode == 0


def test_a_missing_lp_says_to_install_cups_client(board_pdf: Path, tmp_path: Path) -> None:
    queue = PrintQueue("board-pdf", lp=str(tmp_path / "no-lp-here"))
    with pytest.raises(PrintError, match=r"`.*no-lp-here` not found: install .*cups-client"):
        queue.submit(board_pdf, "title")


def test_a_missing_file_and_bad_copies_are_refused_before_lp_runs(tmp_path: Path) -> None:
    queue = PrintQueue("board-pdf", lp=str(tmp_path / "no-lp-here"))
    with pytest.raises(PrintError, match="no such file"):
        queue.submit(tmp_path / "absent.pdf", "title")
    with pytest.raises(ValueError, match="copies"):
        queue.submit(tmp_path / "absent.pdf", "title", copies=0)


# --- PrintHistory ------------------------------------------------------------------------------


def record(board: str = "hall-1/demo", digest: str = "d1", version: int = 1, **changes: Any) -> PrintRecord:
    fields: dict[str, Any] = {"board": board, "digest": digest, "version": version,
                              "printed_at": "2026-11-27T09:30:00+08:00", "pages": 2,
                              "file": f"/var/lib/signage/boards/{digest}.pdf", "job": "board-pdf-7",
                              "queue": "board-pdf"}
    return PrintRecord(**(fields | changes))


def test_history_round_trips_and_reads_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state" / "prints.jsonl"
    history = PrintHistory(path)
    assert history.records() == [] and history.last("hall-1/demo") is None
    written = [record(), record(digest="d2", version=2, job=None, queue=None)]  # the second rendered only
    for item in written:
        history.add(item)
    assert history.records() == written
    assert PrintHistory(path).records() == written
    assert [json.loads(line)["digest"] for line in path.read_text("utf-8").splitlines()] == ["d1", "d2"]


def test_already_printed_looks_at_the_boards_last_print_only(tmp_path: Path) -> None:
    history = PrintHistory(tmp_path / "prints.jsonl")
    history.add(record("hall-1/demo", "d1", 1))
    history.add(record("hall-1/demo", "d2", 2))
    history.add(record("hall-2/demo", "d1", 1))
    assert history.already_printed("hall-1/demo", "d2")
    assert not history.already_printed("hall-1/demo", "d1")  # changed back: on the wall again
    assert history.already_printed("hall-2/demo", "d1")
    assert not history.already_printed("hall-3/demo", "d1")
    last = history.last("hall-1/demo")
    assert last is not None and (last.digest, last.version) == ("d2", 2)


def test_damaged_lines_are_skipped_with_a_warning_naming_file_and_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "prints.jsonl"
    good = record()
    bad_type = dataclasses.asdict(good) | {"version": "one"}
    path.write_bytes(b"\n".join([good.to_json().encode(), b'{"board": "hall-1/de', b"\xff\xfe",
                                 json.dumps(bad_type).encode(), b"[1, 2]", b""]))
    with caplog.at_level(logging.WARNING, logger="players.board.printing"):
        assert PrintHistory(path).records() == [good]
    warned = [r.getMessage() for r in caplog.records]
    assert [m.split(": ")[0] for m in warned] == [f"{path}:{n}" for n in (2, 3, 4, 5)]


def test_a_line_torn_by_a_power_cut_does_not_swallow_the_next_record(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "prints.jsonl"
    first, second = record(), record(digest="d2", version=2)
    path.write_text(first.to_json() + "\n" + second.to_json()[:25], "utf-8")
    history = PrintHistory(path)
    history.add(second)
    with caplog.at_level(logging.WARNING, logger="players.board.printing"):
        assert PrintHistory(path).records() == [first, second]
    assert f"{path}:2: skipped" in caplog.text


def test_each_add_is_fsynced_before_it_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    path = tmp_path / "prints.jsonl"
    PrintHistory(path).add(record())
    assert len(synced) == 2  # the line, and the folder that now holds a new file
    PrintHistory(path).add(record(digest="d2"))
    assert len(synced) == 3
    assert path.read_bytes().endswith(b"\n") and len(PrintHistory(path).records()) == 2


def test_a_record_wants_typed_fields_and_a_timestamp_with_offset() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        record(printed_at="2026-11-27T09:30:00")
    with pytest.raises(ValueError, match="pages"):
        record(pages="2")
    with pytest.raises(ValueError, match="version"):
        record(version=True)
    stamp = timestamp()
    assert record(printed_at=stamp).printed_at == stamp and re.search(r"[+-]\d\d:\d\d$", stamp)
