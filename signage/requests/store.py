"""The register's store: one SQLite file in the data folder, shared by the CLI, the console and
the assessment.

Why not the console's Django database: the CLI and the assessment must read and write the
register without configuring Django, and a stdlib ``sqlite3`` file is enough for a register of
tens of thousands of rows. WAL mode and a busy timeout let the console's threads and a CLI
command write at the same time; every change is one transaction.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path

from signage.requests.register import (
    Request,
    RequestError,
    check_answer,
    check_day,
    check_extension,
    check_supplement_ask,
    check_supplement_received,
    check_text,
)
from signage.requests.vocab import CASE_KINDS, CASE_RESULTS
from signage.text.workdays import WorkCalendar

STORE_FILE = "requests.sqlite3"
SCHEMA_VERSION = 2  # 2: 补正 dates, void, the history of changes
_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY, unit TEXT NOT NULL, received TEXT NOT NULL, channel TEXT NOT NULL,
    applicant TEXT NOT NULL, subject TEXT NOT NULL, applicant_name TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '', answered TEXT, extended_on TEXT,
    extension_approver TEXT NOT NULL DEFAULT '', extension_reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL DEFAULT '',
    supplement_asked TEXT, supplement_received TEXT, voided TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS requests_unit ON requests (unit, received);
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY, unit TEXT NOT NULL, year INTEGER NOT NULL, kind TEXT NOT NULL,
    result TEXT NOT NULL, number TEXT NOT NULL DEFAULT '', request_id INTEGER,
    note TEXT NOT NULL DEFAULT '', created_by TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS cases_unit ON cases (unit, year);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS history_request ON history (request_id, id);
CREATE TABLE IF NOT EXISTS reminders_sent (
    day TEXT NOT NULL, recipient TEXT NOT NULL, sent_at TEXT NOT NULL, PRIMARY KEY (day, recipient));
"""
_DATES = ("received", "answered", "extended_on", "supplement_asked", "supplement_received")
# columns added since version 1, added to an older file when it is opened
_ADDED = {"supplement_asked": "TEXT", "supplement_received": "TEXT", "voided": "TEXT NOT NULL DEFAULT ''"}
EDITABLE = ("unit", "received", "channel", "applicant", "subject", "applicant_name")
FIELD_NAMES = {"unit": "受理单位", "received": "收到日期", "channel": "申请方式", "applicant": "申请人类型",
               "subject": "申请内容", "applicant_name": "申请人姓名或名称"}
_COLUMNS = [f.name for f in fields(Request)]


@dataclass(slots=True)
class Case:
    """A 行政复议 or 行政诉讼 about a disclosure decision: one count in table 4."""

    unit: str
    year: int
    kind: str  # CASE_KINDS
    result: str  # CASE_RESULTS
    number: str = ""  # the case number (案号)
    request_id: int | None = None
    note: str = ""
    created_by: str = ""
    id: int = 0

    def validate(self, today: dt.date) -> None:
        if not 2008 <= self.year <= today.year:
            raise RequestError(f"案件年度 {self.year} 应在 2008 年至今年（{today.year}）之间")
        check_text("number", self.number, 100)
        check_text("note", self.note, 2000, multiline=True)
        if self.kind not in CASE_KINDS:
            raise RequestError(f"案件类别“{self.kind}”应为 {'、'.join(CASE_KINDS)} 之一")
        if self.result not in CASE_RESULTS:
            raise RequestError(f"案件结果“{self.result}”应为 {'、'.join(CASE_RESULTS)} 之一")


class Register:
    """The requests and cases of every unit in one SQLite file. ``today`` is the clock that dates
    are checked against (none may lie in the future); the console passes its site's clock."""

    def __init__(self, path: Path, today: Callable[[], dt.date] = dt.date.today) -> None:
        self.path, self.today = path, today
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            if db.execute("PRAGMA user_version").fetchone()[0] > SCHEMA_VERSION:
                raise RequestError(f"{path} 由更新版本的程序写入，请升级后再打开")
            db.executescript(_SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(requests)")}
            for column, kind in _ADDED.items():
                if column not in have:
                    db.execute(f"ALTER TABLE requests ADD COLUMN {column} {kind}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @classmethod
    def in_folder(cls, data_dir: Path, today: Callable[[], dt.date] = dt.date.today) -> Register:
        return cls(data_dir / STORE_FILE, today)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            with db:  # one transaction: committed, or rolled back on an exception
                yield db
        finally:
            db.close()

    # requests

    def add(self, request: Request) -> Request:
        request.validate()
        request.check_dates(self.today())
        values = _row(request)
        values.pop("id")
        with self._db() as db:
            cursor = db.execute(f"INSERT INTO requests ({', '.join(values)}) VALUES "
                                f"({', '.join('?' * len(values))})", list(values.values()))
            request.id = int(cursor.lastrowid or 0)
            _log(db, request.id, request.created_by, "登记", request.subject[:200])
        return request

    def add_many(self, requests: list[Request]) -> int:
        """A whole imported register in one transaction (all or nothing)."""
        today = self.today()
        for number, request in enumerate(requests, 1):
            try:
                request.validate()
                request.check_dates(today)
            except RequestError as exc:
                raise RequestError(f"第 {number} 条申请：{exc}") from None
        names = [c for c in _COLUMNS if c != "id"]
        with self._db() as db:
            db.executemany(f"INSERT INTO requests ({', '.join(names)}) "
                           f"VALUES ({', '.join('?' * len(names))})",
                           [[_row(r)[n] for n in names] for r in requests])
        return len(requests)

    def get(self, request_id: int, unit: str | None = None) -> Request:
        """One request; with ``unit``, only if it belongs to that unit (the same error either way,
        so a clerk cannot tell another unit's request from a missing one)."""
        with self._db() as db:
            row = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM requests WHERE id = ?",
                             (request_id,)).fetchone()
        if row is None or (unit is not None and row[_COLUMNS.index("unit")] != unit):
            raise RequestError(f"没有编号为 {request_id} 的申请")
        return _request(row)

    def requests(self, units: list[str] | None = None, *, received_before: dt.date | None = None,
                 open_only: bool = False, include_void: bool = False) -> list[Request]:
        """Requests oldest first; of ``units`` only when given; void ones (entered in error) only
        with ``include_void``: they count in no list, reminder, report or assessment."""
        where, args = [], []
        if not include_void:
            where.append("voided = ''")
        if units is not None:
            where.append(f"unit IN ({', '.join('?' * len(units))})")
            args += units
        if received_before is not None:
            where.append("received < ?")
            args.append(received_before.isoformat())
        if open_only:
            where.append("answered IS NULL")
        sql = f"SELECT {', '.join(_COLUMNS)} FROM requests"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._db() as db:
            return [_request(row) for row in db.execute(sql + " ORDER BY received, id", args)]

    def answer(self, request_id: int, outcome: str, answered: dt.date, *, unit: str | None = None,
               note: str = "", by: str = "") -> Request:
        request = self._live(request_id, unit)
        if not request.open:
            raise RequestError(f"申请 {request_id} 已于 {request.answered} 答复")
        check_answer(request, outcome, answered)
        check_day("答复日期", answered, self.today())
        check_text("note", note, 2000, multiline=True)
        with self._db() as db:
            db.execute("UPDATE requests SET outcome = ?, answered = ?, note = ? WHERE id = ? "
                       "AND answered IS NULL", (outcome, answered.isoformat(), note or request.note,
                                                request_id))
            _log(db, request_id, by, "答复", f"{outcome} {answered.isoformat()}")
        return self.get(request_id)

    def extend(self, request_id: int, on: dt.date, approver: str, reason: str,
               calendar: WorkCalendar, *, unit: str | None = None, by: str = "") -> Request:
        request = self._live(request_id, unit)
        check_extension(request, on, approver, reason, calendar)
        check_day("批准延期的日期", on, self.today())
        check_text("extension_approver", approver.strip(), 50)
        check_text("extension_reason", reason.strip(), 500, multiline=True)
        with self._db() as db:
            db.execute("UPDATE requests SET extended_on = ?, extension_approver = ?, extension_reason = ? "
                       "WHERE id = ? AND extended_on IS NULL",
                       (on.isoformat(), approver.strip(), reason.strip(), request_id))
            _log(db, request_id, by, "延期", f"{on.isoformat()} {approver.strip()} 批准：{reason.strip()}")
        return self.get(request_id)

    def ask_supplement(self, request_id: int, on: dt.date, calendar: WorkCalendar, *,
                       unit: str | None = None, by: str = "") -> Request:
        """补正 asked: the clock stops until the supplement is received."""
        request = self._live(request_id, unit)
        check_supplement_ask(request, on, calendar)
        check_day("要求补正的日期", on, self.today())
        with self._db() as db:
            db.execute("UPDATE requests SET supplement_asked = ? WHERE id = ?", (on.isoformat(), request_id))
            _log(db, request_id, by, "要求补正", on.isoformat())
        return self.get(request_id)

    def receive_supplement(self, request_id: int, on: dt.date, *, unit: str | None = None,
                           by: str = "") -> Request:
        """The supplement came in: the 20 working days run from ``on``."""
        request = self._live(request_id, unit)
        check_supplement_received(request, on)
        check_day("收到补正的日期", on, self.today())
        with self._db() as db:
            db.execute("UPDATE requests SET supplement_received = ? WHERE id = ?",
                       (on.isoformat(), request_id))
            _log(db, request_id, by, "收到补正", on.isoformat())
        return self.get(request_id)

    def edit(self, request_id: int, changes: dict[str, object], *, reason: str, unit: str | None = None,
             by: str = "") -> Request:
        """Correct a wrongly entered request (only the fields a clerk types at registration), with
        the reason and the old and new values in the history."""
        request = self._live(request_id, unit)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise RequestError(f"不能更正这些字段：{'、'.join(sorted(unknown))}（只能更正登记时填写的内容）")
        if not reason.strip():
            raise RequestError("请写明更正的原因（记入修改记录）")
        check_text("reason", reason.strip(), 500, multiline=True)
        before = {name: getattr(request, name) for name in changes}
        for name, value in changes.items():
            setattr(request, name, value)
        request.validate()
        request.check_dates(self.today())
        later = [d for d in (request.answered, request.extended_on, request.supplement_asked) if d]
        if later and request.received > min(later):
            raise RequestError(f"收到日期 {request.received.isoformat()} 晚于已登记的答复、延期或补正日期")
        changed = {n: v for n, v in changes.items() if before[n] != v}
        if not changed:
            raise RequestError("没有改动")
        values = _row(request)
        with self._db() as db:
            db.execute(f"UPDATE requests SET {', '.join(f'{n} = ?' for n in changed)} WHERE id = ?",
                       [values[n] for n in changed] + [request_id])
            detail = "；".join(f"{FIELD_NAMES[n]}：{_shown(before[n])} → {_shown(v)}"
                              for n, v in changed.items())
            _log(db, request_id, by, "更正", f"{detail}（原因：{reason.strip()}）")
        return self.get(request_id)

    def void(self, request_id: int, reason: str, *, unit: str | None = None, by: str = "") -> Request:
        """Mark a request entered in error as void: kept, with its history, but counted nowhere."""
        request = self._live(request_id, unit)
        if not reason.strip():
            raise RequestError("请写明作废的原因（例如：重复登记，与第 12 号为同一申请）")
        check_text("voided", reason.strip(), 500, multiline=True)
        with self._db() as db:
            db.execute("UPDATE requests SET voided = ? WHERE id = ?", (reason.strip()[:500], request.id))
            _log(db, request_id, by, "作废", reason.strip()[:500])
        return self.get(request_id)

    def delete(self, request_id: int, reason: str, *, by: str = "") -> Request:
        """Remove a request for good (the office only: callers check the role). Its history keeps a
        line saying who deleted what, and why."""
        request = self.get(request_id)
        if not reason.strip():
            raise RequestError("请写明删除的原因（记入修改记录）")
        check_text("reason", reason.strip(), 500, multiline=True)
        with self._db() as db:
            db.execute("DELETE FROM requests WHERE id = ?", (request_id,))
            _log(db, request_id, by, "删除", f"{request.unit} 收到 {request.received.isoformat()} "
                                            f"{request.subject[:100]}（原因：{reason.strip()}）")
        return request

    def history(self, request_id: int) -> list[tuple[str, str, str, str]]:
        """(time, by, action, detail) of every change, oldest first."""
        with self._db() as db:
            return list(db.execute("SELECT at, by, action, detail FROM history WHERE request_id = ? "
                                   "ORDER BY id", (request_id,)))

    def _live(self, request_id: int, unit: str | None) -> Request:
        request = self.get(request_id, unit)
        if request.voided:
            raise RequestError(f"申请 {request_id} 已作废（{request.voided}），不能再办理或更正")
        return request

    # cases (table 4)

    def add_case(self, case: Case) -> Case:
        case.validate(self.today())
        with self._db() as db:
            cursor = db.execute(
                "INSERT INTO cases (unit, year, kind, result, number, request_id, note, created_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (case.unit, case.year, case.kind, case.result,
                                                    case.number, case.request_id, case.note, case.created_by))
            case.id = int(cursor.lastrowid or 0)
        return case

    def cases(self, units: list[str] | None = None, year: int | None = None) -> list[Case]:
        sql, args = "SELECT unit, year, kind, result, number, request_id, note, created_by, id FROM cases", []
        where = []
        if units is not None:
            where.append(f"unit IN ({', '.join('?' * len(units))})")
            args += units
        if year is not None:
            where.append("year = ?")
            args.append(year)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._db() as db:
            return [Case(*row) for row in db.execute(sql + " ORDER BY id", args)]


    # the daily reminder e-mail: which recipient group got today's, so a restart does not resend

    def reminded(self, day: dt.date, recipient: str) -> bool:
        with self._db() as db:
            return db.execute("SELECT 1 FROM reminders_sent WHERE day = ? AND recipient = ?",
                              (day.isoformat(), recipient)).fetchone() is not None

    def mark_reminded(self, day: dt.date, recipient: str, sent_at: dt.datetime) -> None:
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO reminders_sent (day, recipient, sent_at) VALUES (?, ?, ?)",
                       (day.isoformat(), recipient, sent_at.isoformat(timespec="seconds")))


def _log(db: sqlite3.Connection, request_id: int, by: str, action: str, detail: str) -> None:
    db.execute("INSERT INTO history (request_id, at, by, action, detail) VALUES (?, ?, ?, ?, ?)",
               (request_id, dt.datetime.now().isoformat(timespec="seconds"), by or "", action, detail))


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else f"“{value}”"


def _row(request: Request) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(request, name) for name in _COLUMNS}
    for name in _DATES:
        day = values[name]
        values[name] = day.isoformat() if isinstance(day, dt.date) else None
    return values


def _request(row: tuple) -> Request:
    values = dict(zip(_COLUMNS, row, strict=True))
    for name in _DATES:
        values[name] = dt.date.fromisoformat(values[name]) if values[name] else None
    return Request(**values)
