"""The print station: on every version that changes what a board shows, render it and print it.

A board is printed only when its *content* changed (the digest leaves out the date), so a new
version that touched other units, or the same content published again, prints nothing. Each
print is recorded in the history (proof of posting) and reported to the publisher as proof of
play for every item on the board. A print that fails (printer off, queue stopped) is retried
until it goes through; what was printed before stays recorded.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from players.board.boards import boards_of
from players.board.canvas import Document, Fonts
from players.board.compose import BoardComposer, BoardContent
from players.board.layout import BoardLayout, BoardLayoutError, board_layout
from players.board.pdf import write_pdf
from players.board.png import render_png
from players.board.printing import PrintError, PrintHistory, PrintQueue, PrintRecord, timestamp
from players.plan import Plan
from players.renderer import PlayReporter
from signage.text.timezones import utc_now

log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0


class BoardRenderer:
    kind = "board"

    def __init__(self, screen: str, out_dir: Path, *, queue: PrintQueue | None = None,
                 copies: int = 1, today: Callable[[], dt.date] | None = None,
                 now: Callable[[], dt.datetime] = utc_now,
                 retry_seconds: float = RETRY_SECONDS) -> None:
        self.screen, self.out_dir, self.queue, self.copies = screen, out_dir, queue, copies
        # The board's date is the county's (``today`` overrides it: a test's fixed day).
        self.today, self.now, self.retry_seconds = today, now, retry_seconds
        self.history = PrintHistory(out_dir / "history.jsonl")
        self.fonts = Fonts()
        self.last_document: Document | None = None
        self._pending: Plan | None = None
        self._failed: Plan | None = None
        self._current: Plan | None = None  # the last plan posted, for reprint()
        self._reprint = False
        # Completed rounds (every board of a plan posted, none failed) and that round's prints:
        # what an operator (or a test) waits on, since history.jsonl grows one board at a time.
        self.rounds = 0
        self.last_round: list[PrintRecord] = []
        self._wake = threading.Event()
        self._lock = threading.Lock()

    def show(self, plan: Plan) -> None:
        with self._lock:
            self._pending = plan
        self._wake.set()

    def reprint(self) -> None:
        """The office's signed ``print`` command: the current boards once more, changed or not
        (a sheet torn down or faded); any thread."""
        with self._lock:
            self._reprint = True
        self._wake.set()

    def run(self, stop: threading.Event, played: PlayReporter) -> None:
        while not stop.is_set():
            self._wake.wait(self.retry_seconds if self._failed else 1.0)
            self._wake.clear()
            with self._lock:
                plan, self._pending = self._pending, None
                force, self._reprint = self._reprint, False
            plan = plan or self._failed or (self._current if force else None)
            if plan is not None:
                self.post(plan, played, force=force)

    def post(self, plan: Plan, played: PlayReporter, *, force: bool = False) -> list[PrintRecord]:
        """Render and print every board of ``plan`` whose content changed (every board when
        ``force``); return the prints."""
        try:
            layout = board_layout(plan.layout)
        except BoardLayoutError as exc:
            log.error("[%s] version %s not printed: %s", self.screen, plan.version, exc)
            return []
        composer = BoardComposer(layout, self.fonts)
        records: list[PrintRecord] = []
        self._failed, self._current = None, plan
        moment = plan.wall(self.now())
        for board in boards_of(plan, self.today() if self.today else moment.date()):
            record = self._post_one(board, layout, composer, plan.version, force, moment)
            if record is None:
                self._failed = plan  # retried later: the printer may come back
            elif record is not False:
                records.append(record)
                for entry in board.items:
                    played(entry)
        if self._failed is None:
            self.last_round, self.rounds = records, self.rounds + 1
        return records

    def _post_one(self, board: BoardContent, layout: BoardLayout, composer: BoardComposer,
                  version: int, force: bool = False,
                  moment: dt.datetime | None = None) -> PrintRecord | bool | None:
        """The print record; False when the board is unchanged; None when printing failed."""
        unit_id = str(board.unit.get("id") or "unit")
        key = f"{self.screen}/{unit_id}"
        digest = board.digest(layout)
        if not force and self.history.already_printed(key, digest):
            return False  # unchanged: never printed twice
        document = composer.compose(board)
        self.last_document = document
        path = self.out_dir / f"{unit_id}-v{version}-{digest[:8]}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_pdf(document, path, self.fonts)
        job = None
        if self.queue is not None:
            try:
                # An ASCII job title: lpstat shows it to operators, and PDF printers name files by it.
                job = self.queue.submit(path, f"{self.screen}-{unit_id}-v{version}", self.copies)
            except PrintError as exc:
                log.error("[%s] %s not printed, will retry: %s", self.screen, path.name, exc)
                return None
        record = PrintRecord(board=key, digest=digest, version=version, printed_at=timestamp(moment),
                             pages=len(document.pages), file=str(path), job=job,
                             queue=self.queue.queue if self.queue else None)
        self.history.add(record)
        log.info("[%s] version %s: %s %s (%d pages)", self.screen, version,
                 "printed" if job else "rendered", path.name, len(document.pages))
        return record

    def identify(self) -> None:
        log.warning("*** IDENTIFY %s: print station, boards in %s ***", self.screen, self.out_dir)

    def screenshot(self) -> bytes | None:
        """The first page of the last board rendered, as a small PNG."""
        if self.last_document is None:
            return None
        buffer = io.BytesIO()
        render_png(self.last_document.pages[0], self.fonts, dpi=40).save(buffer, "PNG")
        return buffer.getvalue()
