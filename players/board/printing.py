"""Printing boards through CUPS, and the history that proves what was posted and when.

The print station prints a unit's board whenever its content changes and never reprints the same
content. ``PrintQueue`` hands a rendered PDF to CUPS with the ``lp`` command (no CUPS library to
build or bind: the command is in every CUPS install and its errors are already worded for admins).
``PrintHistory`` is an append-only JSON-lines file: each print is one line, fsynced, so a power cut
loses at most the line being written, and a torn or damaged line is skipped, never fatal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from signage.text.timezones import county_now, county_zone

log = logging.getLogger(__name__)

# lp and lpstat speak the locale's language; their answers are parsed, so they run in English.
_ENV_OVERRIDES = {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "LANGUAGE": ""}
_REQUEST_ID = re.compile(r"request id is (\S+)")
# PrintRecord's annotations (strings, under `from __future__ import annotations`) → runtime types.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "str": (str,), "str | None": (str, type(None))}


class PrintError(Exception):
    """A board could not be handed to CUPS; the message says what to do about it."""


@dataclass(frozen=True)
class PrintQueue:
    """A CUPS queue, on the system's server or on ``server`` ("host:port", given to lp as ``-h``)."""

    queue: str
    server: str | None = None
    lp: str = "lp"
    timeout: float = 30
    lpstat: str = "lpstat"

    def submit(self, pdf: Path, title: str, copies: int = 1) -> str:
        """Queue ``pdf`` as a job named ``title``; returns the CUPS job id ("QUEUE-12")."""
        if copies < 1:
            raise ValueError(f"copies must be at least 1, not {copies}")
        if not pdf.is_file():
            raise PrintError(f"{pdf}: no such file to print")
        # -h first: lp looks the destination up while reading -d, on the server known by then.
        args = [self.lp, *self._server_args(), "-d", self.queue, "-t", title, "-n", str(copies),
                os.path.abspath(pdf)]
        result = self._run(args)
        if result.returncode != 0:
            raise self._submit_error(result)
        return self._job_id(result.stdout)

    def job_state(self, job_id: str) -> str:
        """The job's state as lpstat knows it: "not-completed" (pending, held or printing),
        "completed" (done, cancelled or aborted: lpstat does not tell these apart) or "unknown"
        (not, or no longer, in the server's history)."""
        for which in ("not-completed", "completed"):
            result = self._run([self.lpstat, *self._server_args(), "-W", which, "-o", self.queue],
                               tool=self.lpstat)
            if result.returncode != 0:
                raise PrintError(f"lpstat failed on {self._where()}: {_said(result)}")
            if any(line.split()[:1] == [job_id] for line in result.stdout.splitlines()):
                return which
        return "unknown"

    def _server_args(self) -> list[str]:
        return ["-h", self.server] if self.server else []

    def _command(self, *words: str) -> str:
        """A command line to suggest, aimed at the same server."""
        return " ".join([words[0], *self._server_args(), *words[1:]])

    def _where(self) -> str:
        return f"CUPS server {self.server}" if self.server else "the system's CUPS server"

    def _run(self, args: Sequence[str], tool: str | None = None) -> subprocess.CompletedProcess[str]:
        tool = tool or self.lp
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=self.timeout,
                                  env={**os.environ, **_ENV_OVERRIDES}, check=False)
        except FileNotFoundError:
            raise PrintError(f"`{tool}` not found: install the CUPS client tools "
                             "(apt install cups-client)") from None
        except subprocess.TimeoutExpired:
            raise PrintError(f"`{tool}` got no answer from {self._where()} within {self.timeout:g} s: "
                             "is cupsd running and reachable?") from None

    def _submit_error(self, result: subprocess.CompletedProcess[str]) -> PrintError:
        """lp says "printer or class does not exist" for an unknown queue and for a server it cannot
        reach alike, so the scheduler is asked directly before blaming the queue."""
        said = _said(result)
        if not self._scheduler_running():
            return PrintError(f"{self._where()} is not reachable ({said}): is cupsd running there "
                              "(systemctl status cups) and the server address right?")
        if "does not exist" in said:
            return PrintError(f"queue {self.queue!r}: {said}; check `{self._command('lpstat', '-p')}` "
                              "for the queue names")
        if "not accepting" in said:
            return PrintError(f"queue {self.queue!r} rejects jobs ({said}): "
                              f"run `{self._command('cupsaccept', self.queue)}`")
        return PrintError(f"lp failed (exit {result.returncode}) on {self._where()}: {said}")

    def _scheduler_running(self) -> bool:
        with contextlib.suppress(PrintError):
            result = self._run([self.lpstat, *self._server_args(), "-r"], tool=self.lpstat)
            return "scheduler is running" in result.stdout
        return False

    def _job_id(self, stdout: str) -> str:
        match = _REQUEST_ID.search(stdout) or re.search(rf"\b({re.escape(self.queue)}-\d+)\b", stdout)
        if match is None:
            raise PrintError(f"lp queued the job but its answer names no job id: {stdout.strip()!r}")
        return match.group(1)


def _said(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stderr.strip() or result.stdout.strip() or "no message").replace("\n", " ")


def timestamp(moment: dt.datetime | None = None) -> str:
    """ISO 8601 with a UTC offset, as ``PrintRecord.printed_at`` wants it: ``moment`` on the
    county's clock when the print station has one (a naive one is taken as the county's),
    else now in Asia/Shanghai, never the box's own zone."""
    moment = moment or county_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=county_zone())
    return moment.isoformat(timespec="seconds")


@dataclass(frozen=True)
class PrintRecord:
    """One printed (or, without a queue, only rendered) board: the proof of posting."""

    board: str
    digest: str
    version: int
    printed_at: str
    pages: int
    file: str
    job: str | None = None
    queue: str | None = None

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, _FIELD_TYPES[str(field.type)]):
                raise ValueError(f"{field.name}: {value!r} is not {field.type}")
        if dt.datetime.fromisoformat(self.printed_at).tzinfo is None:
            raise ValueError(f"printed_at {self.printed_at!r} has no UTC offset")

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PrintRecord:
        """Unknown keys are ignored, so records written by a newer version still read."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


class PrintHistory:
    """Every print, oldest first, in a JSON-lines file that is only ever appended to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> list[PrintRecord]:
        """All readable records; a damaged line is logged (file and line) and skipped."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        records = []
        for number, line in enumerate(data.split(b"\n"), start=1):
            if line.strip():
                try:
                    records.append(PrintRecord.from_json(line.decode("utf-8")))
                except (ValueError, TypeError) as exc:
                    log.warning("%s:%d: skipped an unreadable print record (%s)", self.path, number, exc)
        return records

    def last(self, board: str) -> PrintRecord | None:
        return next((r for r in reversed(self.records()) if r.board == board), None)

    def already_printed(self, board: str, digest: str) -> bool:
        """Only the board's last print counts: content changed back to an older state is new on
        the wall again, so it prints again."""
        last = self.last(board)
        return last is not None and last.digest == digest

    def add(self, record: PrintRecord) -> None:
        """Append one line and fsync it (and, for a new file, its folder) before returning."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        # After a power cut the file may end in a torn line: start on a new one, or the new record
        # would run into it and be skipped with it.
        separator = b"\n" if self._torn_tail() else b""
        with open(self.path, "ab") as handle:
            handle.write(separator + record.to_json().encode("utf-8") + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if created:
            _fsync_folder(self.path.parent)

    def _torn_tail(self) -> bool:
        try:
            with open(self.path, "rb") as reader:
                if reader.seek(0, os.SEEK_END) == 0:
                    return False
                reader.seek(-1, os.SEEK_END)
                return reader.read(1) != b"\n"
        except FileNotFoundError:
            return False


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
