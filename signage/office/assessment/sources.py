"""What the publisher and the print stations recorded, read for the assessment.

From the publisher's data folder (``signage serve --data``):

- ``publisher-state.json``: the records now published (identity → object id, channels) and each
  screen's current version (plan object id);
- ``objects/``: the plans and chunks of those versions — which entries each screen carries and
  what kind of screen it is;
- ``publications.jsonl``: when publishes happened (one line per screen that got a new version);
- ``events.jsonl``: players' acknowledgements (``ack``: screen, version, plan) and proof of play
  (``play``: screen, kind, unit, key, version).

From print stations: ``history.jsonl`` (one line per board printed: ``screen/unit``, time).
Every part may be absent; what is missing is recorded so the report can say what it could not
measure rather than mark units down for it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from players.plan import chunk_ids
from signage.contract.wire import digest
from signage.publishing.plans import Record, record_from_json
from signage.publishing.publisher import EVENT_LOG, PUBLICATION_LOG, STATE_FILE

PRINT_HISTORY = "history.jsonl"
Entry = tuple[str, str, str]  # (unit, kind, key)


@dataclass(slots=True)
class ScreenVersion:
    """A screen's current version as the object store holds it."""

    screen: str
    kind: str  # led, kiosk, board
    plan: str
    entries: frozenset[Entry]


@dataclass(slots=True)
class PublisherData:
    """The publisher's and print stations' records, with flags for what was found."""

    state_found: bool = False
    records: dict[str, Record] = field(default_factory=dict)  # identity → published record
    screens: dict[str, ScreenVersion] = field(default_factory=dict)
    publications: list[dt.date] = field(default_factory=list)  # sorted, local dates
    events_found: bool = False
    plays: set[tuple[str, str, str, str]] = field(default_factory=set)  # (screen, unit, kind, key)
    acked_plans: set[tuple[str, str]] = field(default_factory=set)  # (screen, plan)
    prints_found: bool = False
    board_prints: dict[str, list[dt.date]] = field(default_factory=dict)  # unit → print dates
    notes: list[str] = field(default_factory=list)

    def first_publication(self, since: dt.date) -> dt.date | None:
        """The first publish on or after ``since`` (the log does not list items: see docs)."""
        return next((day for day in self.publications if day >= since), None)


def read_publisher_data(data_dir: Path, print_dirs: list[Path], today: dt.date,
                        window_days: int) -> PublisherData:
    """Everything recorded under ``data_dir`` and ``print_dirs``; absent parts are noted."""
    data = PublisherData()
    _read_state(data, data_dir)
    if data.state_found:  # publication dates only matter for what the state says is published
        _read_publications(data, data_dir / PUBLICATION_LOG)
    _read_events(data, data_dir / EVENT_LOG, today - dt.timedelta(days=window_days))
    _read_prints(data, print_dirs or [data_dir])
    return data


def _read_state(data: PublisherData, data_dir: Path) -> None:
    path = data_dir / STATE_FILE
    try:
        state = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        data.notes.append(f"未找到发布状态 {path}：“已发布”按当前通过审查、可发布的内容计，"
                          "发布及时性与覆盖率无法评估。")
        return
    except (OSError, ValueError) as exc:
        data.notes.append(f"发布状态 {path} 无法读取（{exc}）：按未找到处理。")
        return
    data.state_found = True
    data.records = {identity: record_from_json(value)
                    for identity, value in state.get("last_good", {}).items()}
    objects = data_dir / "objects"
    for screen, manifest in sorted(state.get("manifests", {}).items()):
        version = _screen_version(objects, screen, str(manifest.get("plan", "")))
        if version is None:
            data.notes.append(f"屏幕 {screen} 当前版本的计划不在对象库 {objects} 中：其内容不计入覆盖率。")
        else:
            data.screens[screen] = version


def _read_object(objects: Path, object_id: str) -> dict[str, Any] | None:
    """A JSON object from the store, or None when absent or damaged (read only, never repaired)."""
    try:
        payload = (objects / object_id[:2] / object_id).read_bytes()
    except OSError:
        return None
    if digest(payload) != object_id:
        return None
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _screen_version(objects: Path, screen: str, plan_id: str) -> ScreenVersion | None:
    plan = _read_object(objects, plan_id) if plan_id else None
    if plan is None:
        return None
    entries: set[Entry] = set()
    chunks = chunk_ids(plan, lambda object_id: _read_object(objects, object_id))
    if chunks is None:
        return None
    for chunk_id in chunks:
        chunk = _read_object(objects, chunk_id)
        if chunk is None:
            return None
        entries.update((str(e.get("unit")), str(e.get("kind")), str(e.get("key")))
                       for e in chunk.get("entries", []))
    return ScreenVersion(screen, str(plan.get("kind", "")), plan_id, frozenset(entries))


def _lines(path: Path) -> Iterator[bytes]:
    """The log's lines, oldest first: the publisher rotates it (``.8`` oldest … ``.1``, then
    the file itself)."""
    rotated = sorted(path.parent.glob(f"{path.name}.[0-9]*"),
                     key=lambda p: -int(p.suffix[1:]) if p.suffix[1:].isdigit() else 0)
    for part in (*rotated, path):
        with part.open("rb") as handle:
            for line in handle:
                if line.strip():
                    yield line


def _local_date(timestamp: str) -> dt.date:
    moment = dt.datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().date()


def _read_publications(data: PublisherData, path: Path) -> None:
    if not path.exists():
        data.notes.append(f"未找到发布记录 {path.name}：已发布事项的发布日期未知的，按按时发布计。")
        return
    days = set()
    for line in _lines(path):
        try:
            days.add(_local_date(json.loads(line)["ts"]))
        except (ValueError, KeyError, TypeError):
            continue  # a torn line: the rest still counts
    data.publications = sorted(days)


def _read_events(data: PublisherData, path: Path, window_start: dt.date) -> None:
    """Acks (any time) and plays within the window. Plays are most of a large log and repeat
    the same few thousand entries, so a play is compared and de-duplicated on its raw text
    before it is parsed: players write canonical JSON with a UTC ``"ts"``, whose text sorts as
    the time does."""
    if not path.exists():
        data.notes.append(f"未找到播放记录 {path.name}（播放证明与版本确认）：LED、触摸屏无法证明已展示。")
        return
    data.events_found = True
    cutoff = dt.datetime.combine(window_start, dt.time()).astimezone(dt.UTC).isoformat().encode()
    seen: set[bytes] = set()
    for line in _lines(path):
        if b'"type":"play"' in line:
            at = line.find(b'"ts":"') + 6
            end = line.find(b'"', at)
            stamp = line[at:end]
            if at > 5 and stamp.endswith(b"+00:00") and len(stamp) == len(cutoff):
                if stamp < cutoff:
                    continue
                same = line[:at] + line[end:]  # the play without its time
                if same in seen:
                    continue
                seen.add(same)
        try:
            _add_event(data, json.loads(line), window_start)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a torn line: the rest still counts


def _add_event(data: PublisherData, event: dict[str, Any], window_start: dt.date) -> None:
    kind = event.get("type")
    if kind == "ack":
        data.acked_plans.add((str(event["screen"]), str(event["plan"])))
    elif kind == "play" and _local_date(event["ts"]) >= window_start:
        data.plays.add((str(event["screen"]), str(event["unit"]), str(event["kind"]), str(event["key"])))


def _read_prints(data: PublisherData, folders: list[Path]) -> None:
    from players.board.printing import PrintHistory

    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.rglob(PRINT_HISTORY))]
    for path in files:
        for record in PrintHistory(path).records():
            unit = record.board.rsplit("/", 1)[-1]
            data.board_prints.setdefault(unit, []).append(_local_date(record.printed_at))
    data.prints_found = bool(files)
    if not files:
        where = "、".join(str(f) for f in folders)
        data.notes.append(f"在 {where} 下未找到打印记录 {PRINT_HISTORY}：公开栏只以播放记录证明张贴。")
