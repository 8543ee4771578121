"""signage assess: a small county scored by hand, indicator by indicator and veto by veto.

The county has ten units. Each is perfect except for what it exercises, so every expected score
below is a short sum written out in comments. Two assessments are run, as an office would:

* 2026-11-02 (PREV) on the content as it was then (v1), with the publisher's state of that day;
* 2026-11-27 (TODAY) on the content now (v2), with the state, publication log, proof of play
  and print history of now.

Working days (chinese_calendar, 2026): the National Day holiday is 10-01…10-07, with Sunday
09-20 and Saturday 10-10 worked instead; Friday 09-25 is the Mid-Autumn Festival. November has no
holiday, so 11-02 → 11-27 is 19 working days (11-03…11-06: 4, then three weeks of 5).

Test weights (WEIGHTS): 20 points each for completeness, compliance, timeliness, coverage and
responsiveness; deductions error 5 / warning 1; late item 4; overdue finding error 3 / warning 1;
publish within 20 working days; findings due within 10 working days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ANNOUNCEMENT, COUNTY, DELETE, NOTICE, POWER, REPO, REVIEW, UNIT, dump, patched

from signage.catalogue.checking import check_content
from signage.contract.objectstore import ObjectStore
from signage.contract.wire import canonical
from signage.office.assessment.config import WeightsError, load_config
from signage.office.assessment.scoring import assess, save_assessment, write_outputs
from signage.office.assessment.storage import ASSESSMENTS_DIR
from signage.office.assessment.workdays import WorkCalendar
from signage.publishing.plans import build_fleet
from signage.publishing.publisher import EVENT_LOG, PUBLICATION_LOG, STATE_FILE, PublisherState
from signage.publishing.screens import load_screens

PREV, TODAY = dt.date(2026, 11, 2), dt.date(2026, 11, 27)

WEIGHTS = """\
missing_data: rescale
indicators:
  completeness: {weight: 20}
  compliance:
    weight: 20
    deduct: {error: 5, warning: 1, info: 0}
    exclude_rules: [GK-REQ-001, GK-REQ-002, GK-REQ-003, GK-REQ-004]
  timeliness:
    weight: 20
    publish_within: 20
    late_item: 4
    finding_deadline: 10
    overdue_finding: {error: 3, warning: 1, info: 0}
  coverage:
    weight: 20
    channels: [led, kiosk, board]
    window_days: 30
    ack_is_proof: [kiosk]
  responsiveness:
    weight: 20
    severities: [error, warning]
vetoes:
  - {id: classified, description: 含密级标志, condition: finding, rules: [GK-SECRET-001]}
  - {id: nothing-published, description: 无已发布事项, condition: no_published_items}
  - {id: many-errors, description: 错误达3项, condition: errors_at_least, count: 3}
  - {id: overdue, description: 超期未整改达3项, condition: overdue_findings_at_least, count: 3}
"""

SCREENS = """\
screens:
  - {id: hall-led, kind: led, site: 大厅, layout: led-192x32, select: {show: [announcements, powers]}}
  - {id: hall-kiosk, kind: kiosk, site: 大厅, layout: kiosk-portrait}
  - {id: hall-board, kind: board, site: 大厅, layout: board-a3}
"""

UNITS = ("mofan", "queshi", "guifan", "jishi", "fugai", "zhenggai", "mimi", "kong", "cuowu", "yuqi")
# A notice with three warnings: a leading zero in the 文号 (GK-DOCNO-004), half-width parentheses in
# the body (GK-TEXT-003), and a space between Chinese characters in the summary (GK-TEXT-001).
# (A mobile number in a notice is an error since issue 16: GK-PRIV-004 holds it back.)
THREE_WARNINGS = {"doc_number": "台测发〔2026〕0{n}号", "body": "各股室：\n如有疑问请联系综合股(咨询)。",
                  "summary": "公布本局 行政权力事项目录。"}


def _time(day: dt.date) -> str:
    return f"{day.isoformat()}T04:00:00+00:00"  # noon in China; the same date in most zones


class County:
    """Ten units in one content folder, each written from conftest's valid records + a patch."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "county.yaml").write_text(dump({"county": COUNTY}), "utf-8")

    def unit(self, uid: str, *, power: dict[str, Any] | None = None, notice: dict[str, Any] | None = None,
             empty: bool = False) -> None:
        n = UNITS.index(uid) + 10
        prefix = uid.upper()[:6]
        folder = self.root / "units" / uid
        folder.mkdir(parents=True, exist_ok=True)
        unit = patched(UNIT, {"id": uid, "name": f"台安县{uid}局", "short_name": f"{uid}局",
                              "code_prefix": prefix})
        notice_patch = {k: v.format(n=n) for k, v in (notice or {}).items()}
        records = {
            "powers": [patched(POWER, {"code": f"{prefix}-XK-001", "updated": "2026-10-12",
                                       **(power or {})})],
            "notices": [patched(NOTICE, {"doc_number": f"台测发〔2026〕{n}号", "updated": "2026-10-12",
                                         **notice_patch})],
            "announcements": [patched(ANNOUNCEMENT, {"id": f"{uid}-yuandan", "updated": "2026-10-12"})],
        }
        (folder / "unit.yaml").write_text(dump({"unit": unit}), "utf-8")
        for name, items in records.items():
            (folder / f"{name}.yaml").write_text(dump({name: [] if empty else items}), "utf-8")


def write_v1(county: County) -> None:
    """The content on 2026-11-02."""
    for uid in ("mofan", "queshi", "guifan", "fugai", "mimi", "cuowu"):
        county.unit(uid)
    county.unit("jishi", power={"updated": "2026-10-09", "review": {**REVIEW, "result": "不通过"}},
                notice={"doc_number": THREE_WARNINGS["doc_number"]})
    county.unit("zhenggai", notice=THREE_WARNINGS)
    county.unit("kong", empty=True)
    county.unit("yuqi", notice=THREE_WARNINGS)


def write_v2(county: County) -> None:
    """The content on 2026-11-27: what changed since v1."""
    county.unit("queshi", power={"place": DELETE, "materials": DELETE, "updated": DELETE})
    stamp = dt.datetime(2026, 10, 12, 12, 0).timestamp()  # no `updated`: the file's date counts
    os.utime(county.root / "units" / "queshi" / "powers.yaml", (stamp, stamp))
    county.unit("guifan", power={"promised_days": "30", "updated": "2026-11-20",
                                 "review": {**REVIEW, "date": "2026-11-20"}},
                notice={"doc_number": THREE_WARNINGS["doc_number"], "body": THREE_WARNINGS["body"]})
    county.unit("jishi", power={"updated": "2026-10-09", "review": {**REVIEW, "date": "2026-11-24"}},
                notice={"doc_number": THREE_WARNINGS["doc_number"]})
    county.unit("zhenggai", notice={"doc_number": THREE_WARNINGS["doc_number"]})
    county.unit("mimi", notice={"classification": "秘密★1年"})
    county.unit("cuowu", power={"promised_days": "30", "channels": ["led", "tv"],
                                "legal_basis": ["城乡规划法第四十条"], "updated": "2026-11-20",
                                "review": {**REVIEW, "date": "2026-11-20"}})


class Site:
    """The county's content, screens and publisher data folder, written as the tools would."""

    def __init__(self, tmp_path: Path) -> None:
        self.county = County(tmp_path / "content")
        self.data = tmp_path / "signage-data"
        self.layouts = tmp_path / "layouts"
        self.layouts.mkdir()
        for name in ("led-192x32.yaml", "kiosk-portrait.yaml", "board-a3.yaml"):
            shutil.copy(REPO / "layouts" / name, self.layouts / name)
        (self.layouts / "screens.yaml").write_text(SCREENS, "utf-8")
        self.weights = tmp_path / "weights.yaml"
        self.weights.write_text(WEIGHTS, "utf-8")

    def publish(self, today: dt.date) -> dict[str, Any]:
        """What `signage serve` leaves behind after a publish: objects, state (records, plans)."""
        self.data.mkdir(exist_ok=True)
        store = ObjectStore(self.data / "objects", durable=False)
        state = PublisherState.load(self.data / STATE_FILE)
        check = check_content(self.county.root, today)
        build = build_fleet(check, load_screens(self.layouts), today, state.last_good, store.get)
        for object_id, payload in build.objects.items():
            store.put(object_id, payload)
        state.last_version += 1
        state.manifests = {s: {"version": state.last_version, "plan": p} for s, p in build.roots.items()}
        state.last_good = dict(build.records)
        state.save(self.data / STATE_FILE)
        return {"check": check, "build": build}

    def log_publications(self, *days: dt.date) -> None:
        with (self.data / PUBLICATION_LOG).open("w", encoding="utf-8") as handle:
            for day in days:
                handle.write(json.dumps({"ts": _time(day), "screen": "hall-led", "version": 1}) + "\n")

    def log_events(self, events: list[dict[str, Any]]) -> None:
        with (self.data / EVENT_LOG).open("wb") as handle:
            for event in events:
                handle.write(canonical({"schema": "1.0", **event}) + b"\n")

    def log_prints(self, prints: dict[str, dt.date]) -> None:
        station = self.data / "board-station"
        station.mkdir(exist_ok=True)
        with (station / "history.jsonl").open("w", encoding="utf-8") as handle:
            for uid, day in prints.items():
                handle.write(json.dumps({"board": f"hall-board/{uid}", "digest": "d" * 64, "version": 2,
                                         "printed_at": f"{day.isoformat()}T12:00:00+08:00", "pages": 1,
                                         "file": f"{uid}.pdf"}) + "\n")

    def assess(self, today: dt.date, **options: Any) -> Any:
        return assess(check_content(self.county.root, today), self.data, config=load_config(self.weights),
                      today=today, **options)


def proof_of_play(build: Any) -> list[dict[str, Any]]:
    """Every entry on the LED sign played yesterday, except fugai's power item (played only
    2026-10-01, before the 30-day window); the kiosk acked its version; the LED sign acked too
    (an ack is not proof for LED)."""
    objects = build.objects
    events: list[dict[str, Any]] = [
        {"type": "ack", "screen": s, "version": 2, "plan": build.roots[s], "ts": _time(TODAY)}
        for s in ("hall-kiosk", "hall-led")]
    plan = json.loads(objects[build.roots["hall-led"]])
    for chunk_id in plan["chunks"]:
        for entry in json.loads(objects[chunk_id])["entries"]:
            play = {"type": "play", "screen": "hall-led", "version": 2, "kind": entry["kind"],
                    "unit": entry["unit"], "key": entry["key"], "ts": _time(TODAY - dt.timedelta(days=1))}
            if (entry["unit"], entry["kind"]) == ("fugai", "powers"):
                play["ts"] = _time(dt.date(2026, 10, 1))
            events.append(play)
    return events


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """Both assessments run; the second one's data written as the publisher would have."""
    site = Site(tmp_path)
    write_v1(site.county)
    site.publish(PREV)
    site.log_publications(dt.date(2026, 10, 14))
    first = site.assess(PREV)
    save_assessment(site.data, first.to_record(), dt.datetime(2026, 11, 2, 9, 0))
    write_v2(site.county)
    published = site.publish(TODAY)
    site.log_publications(dt.date(2026, 10, 14), dt.date(2026, 11, 25))
    site.log_events(proof_of_play(published["build"]))
    # Every unit's board printed on 11-25, except fugai's: printed 10-13, before its content was
    # published (10-14), so that print does not show what is published now.
    prints = {uid: dt.date(2026, 11, 25) for uid in UNITS}
    site.log_prints(prints | {"fugai": dt.date(2026, 10, 13)})
    return site


def scores(assessment: Any) -> dict[str, dict[str, float | None]]:
    return {u.unit_id: {"score": u.score, **{n: i.points for n, i in u.indicators.items()}}
            for u in assessment.units}


def test_each_indicator_and_veto_scored_by_hand(site: Site) -> None:
    got = scores(site.assess(TODAY))
    full = {"completeness": 20.0, "compliance": 20.0, "timeliness": 20.0, "coverage": 20.0,
            "responsiveness": 20.0}
    expected = {
        # Perfect: 23/23 required fields (unit 3 + 行政许可 13 + notice 5 + announcement 2), no
        # finding, published on time, all 7 entries shown (LED 2, kiosk 3, board 2), nothing
        # open last time.
        "mofan": {**full, "score": 100.0},
        # Completeness: place and materials missing → 20 × 21/23 = 18.261 (GK-REQ-001 is not
        # deducted again under compliance). Timeliness: the item has no `updated`; its file is
        # dated 10-12 and it is held back, so it is unpublished 34 working days later → −4.
        # Total 18.261 + 20 + 16 + 20 + 20 = 94.26.
        "queshi": {**full, "completeness": pytest.approx(20 * 21 / 23), "timeliness": 16.0, "score": 94.3},
        # Compliance: GK-TIME-004 (error) + GK-DOCNO-004 and GK-TEXT-003 (warnings) → 20 − 5 − 1 − 1
        # = 13. The held-back item changed 11-20: 5 working days, not late. Total 93.
        "guifan": {**full, "compliance": 13.0, "score": 93.0},
        # Timeliness: the item changed 10-09 and waited for its 保密审查 (不通过 on 11-02, the ledger
        # of that assessment saw this very content unpublished); first publish after 11-02 is 11-25:
        # 34 working days → −4. The 文号 warning first seen 11-02 is open 19 > 10 working days → −1.
        # Compliance: that warning −1. Responsiveness: 1 of 2 closed (REVIEW-003 gone) → 10.
        # Total 20 + 19 + 15 + 20 + 10 = 84.
        "jishi": {**full, "compliance": 19.0, "timeliness": 15.0, "responsiveness": 10.0, "score": 84.0},
        # Coverage: the power item's last play on LED was 10-01 (outside 30 days) → LED 1/2; the
        # board was printed 10-13, before the content was published (10-14) → board 0/2;
        # kiosk acked → 3/3. 4/7 × 20 = 11.429. Total 91.43.
        "fugai": {**full, "coverage": pytest.approx(20 * 4 / 7), "score": 91.4},
        # Responsiveness: 2 of last time's 3 warnings fixed → 20 × 2/3 = 13.333; the one left is
        # overdue (19 working days) → timeliness −1, compliance −1. Total 91.33.
        "zhenggai": {**full, "compliance": 19.0, "timeliness": 19.0,
                     "responsiveness": pytest.approx(40 / 3), "score": 91.3},
        # Vetoes: the indicators are still scored, the total is 0.
        # classified: GK-SECRET-001 (error, −5).
        "mimi": {**full, "compliance": 15.0, "score": 0.0},
        # nothing-published: no items at all; no screen shows it, so coverage has no data.
        "kong": {**full, "completeness": 20.0, "coverage": None, "score": 0.0},
        # many-errors: GK-TIME-004, GK-CHAN-001, GK-BASIS-004 → 3 errors → 20 − 15 = 5.
        "cuowu": {**full, "compliance": 5.0, "score": 0.0},
        # overdue: three warnings open since 11-02 (19 working days) → timeliness −3, compliance −3,
        # none closed → responsiveness 0.
        "yuqi": {**full, "compliance": 17.0, "timeliness": 17.0, "responsiveness": 0.0, "score": 0.0},
    }
    assert got == expected


def test_vetoes_and_ranking(site: Site) -> None:
    result = site.assess(TODAY)
    assert [(u.rank, u.unit_id) for u in result.units] == [
        (1, "mofan"), (2, "queshi"), (3, "guifan"), (4, "fugai"), (5, "zhenggai"), (6, "jishi"),
        (7, "cuowu"), (7, "kong"), (7, "mimi"), (7, "yuqi")]  # equal scores share a rank
    vetoed = {u.unit_id: [v.id for v in u.vetoes] for u in result.units if u.vetoes}
    assert vetoed == {"mimi": ["classified"], "kong": ["nothing-published"], "cuowu": ["many-errors"],
                      "yuqi": ["overdue"]}


def test_trend_against_the_stored_assessment(site: Site) -> None:
    result = site.assess(TODAY)
    by_id = {u.unit_id: u for u in result.units}
    # On 11-02 coverage had no proof of play yet and there was nothing earlier to respond to, so
    # scores were out of the other 60 points: jishi (20 + 14 + 20) / 60 = 90 (REVIEW-003 −5,
    # 文号 −1), zhenggai (20 + 17 + 20) / 60 = 95.
    assert (by_id["jishi"].previous, by_id["jishi"].change) == (90.0, -6.0)
    assert (by_id["zhenggai"].previous, by_id["zhenggai"].change) == (95.0, pytest.approx(-3.7))
    assert (by_id["mofan"].previous, by_id["mofan"].change) == (100.0, 0.0)
    assert [p.date for p in result.trend] == [PREV, TODAY]
    assert result.trend[0].scores["jishi"] == 90.0 and result.trend[1].scores["jishi"] == 84.0


def test_stored_record_carries_findings_first_seen(site: Site) -> None:
    result = site.assess(TODAY)
    path = save_assessment(site.data, result.to_record(), dt.datetime(2026, 11, 27, 17, 0))
    assert path.parent == site.data / ASSESSMENTS_DIR and path.name.startswith("2026-11-27T170000")
    record = json.loads(path.read_text("utf-8"))
    yuqi = record["units"]["yuqi"]
    assert sorted(f["rule"] for f in yuqi["findings"].values()) == [
        "GK-DOCNO-004", "GK-TEXT-001", "GK-TEXT-003"]
    assert {f["first_seen"] for f in yuqi["findings"].values()} == {"2026-11-02"}
    guifan = record["units"]["guifan"]["findings"].values()
    assert {f["first_seen"] for f in guifan} == {"2026-11-27"}  # new since the last assessment
    assert record["units"]["jishi"]["items"]["powers/jishi/JISHI-XK-001"]["published"] == "2026-11-25"
    assert record["units"]["mofan"]["vetoes"] == []
    assert record["units"]["kong"]["vetoes"] == ["nothing-published"]


def test_degraded_without_publisher_data(tmp_path: Path) -> None:
    """No state, no logs, no print history, no earlier assessment: coverage and responsiveness
    have no data and are left out; the score is out of the other 60 points; notes say why."""
    site = Site(tmp_path)
    write_v1(site.county)
    write_v2(site.county)
    result = site.assess(TODAY)
    got = scores(result)
    assert all(u["coverage"] is None and u["responsiveness"] is None for u in got.values())
    assert got["mofan"]["score"] == 100.0
    # queshi: (18.261 + 20 + 20) / 60 = 97.1 — without a publisher state nobody can tell whether
    # its item is published, so it is not counted late.
    assert got["queshi"]["score"] == 97.1 and got["queshi"]["timeliness"] == 20.0
    # guifan: (20 + 13 + 20) / 60 = 88.3; yuqi: nothing earlier, so nothing overdue: (20 + 17 + 20) / 60 = 95.
    assert (got["guifan"]["score"], got["yuqi"]["score"]) == (88.3, 95.0)
    # "published" falls back to "publishable now": kong has nothing, so its veto still holds.
    vetoed = {u.unit_id: [v.id for v in u.vetoes] for u in result.units if u.vetoes}
    assert vetoed == {"mimi": ["classified"], "kong": ["nothing-published"], "cuowu": ["many-errors"]}
    notes = "\n".join(result.notes)
    assert "publisher-state.json" in notes and "events.jsonl" in notes and "history.jsonl" in notes
    assert "发布覆盖率：10 个单位无数据，不计入总分" in notes
    assert "发布情况无数据" in result.units[0].indicators["timeliness"].detail


def test_missing_data_scored_zero_when_configured(tmp_path: Path) -> None:
    site = Site(tmp_path)
    write_v1(site.county)
    site.weights.write_text(WEIGHTS.replace("missing_data: rescale", "missing_data: zero"), "utf-8")
    mofan = {u.unit_id: u for u in site.assess(TODAY).units}["mofan"]
    assert mofan.score == 60.0  # 20 + 20 + 20, out of 100: coverage and responsiveness count 0


def test_proof_of_play_absent_but_state_present(site: Site) -> None:
    """Without events and print history coverage has no data, while publication timeliness still
    comes from the state and the publication log."""
    (site.data / EVENT_LOG).unlink()
    shutil.rmtree(site.data / "board-station")
    result = site.assess(TODAY)
    got = scores(result)
    assert all(u["coverage"] is None for u in got.values())
    assert got["jishi"]["timeliness"] == 15.0  # still late: 34 working days
    # jishi: (20 + 19 + 15 + 10) / 80 = 80.0
    assert got["jishi"]["score"] == 80.0


def test_prints_from_another_folder_and_torn_event_lines(site: Site, tmp_path: Path) -> None:
    """--prints points at a station's folder elsewhere; a torn line in a log is skipped."""
    elsewhere = tmp_path / "station"
    shutil.move(site.data / "board-station", elsewhere)
    with (site.data / EVENT_LOG).open("ab") as handle:
        handle.write(b'{"schema":"1.0","screen":"hall-led","ts":"2026-11-26T0')
    without = scores(site.assess(TODAY))
    assert without["mofan"]["coverage"] == pytest.approx(20 * 5 / 7)  # board not proven: 5/7
    with_prints = scores(site.assess(TODAY, print_dirs=[elsewhere]))
    assert with_prints["mofan"]["coverage"] == 20.0


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.links += [v for k, v in attrs if k in ("href", "src") and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_csv_html_and_notices(site: Site, tmp_path: Path) -> None:
    check = check_content(site.county.root, TODAY)
    result = assess(check, site.data, config=load_config(site.weights), today=TODAY)
    out = tmp_path / "out"
    written = write_outputs(result, check, out, pdf=False)
    raw = (out / "assessment.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["名次", "单位ID", "单位", "总分"]
    assert [r[1] for r in rows[1:]] == [u.unit_id for u in result.units]
    assert rows[1][2:6] == ["台安县mofan局", "100.0", "100.0", "±0"]
    assert rows[-1][-1].startswith("overdue（")
    html = (out / "assessment.html").read_text("utf-8")
    parser = _Tags()
    parser.feed(html)
    text = "".join(parser.text)
    assert all(f"台安县{uid}局" in text for uid in UNITS)
    # Two charts plus one sparkline per unit; stacked bars; the trend's lines.
    assert parser.tags["svg"] == 2 + len(UNITS)
    assert parser.tags["rect"] >= 5 * 6  # six unvetoed units, most with five segments
    assert parser.tags["polyline"] >= len(UNITS) + 1  # each unit and the county mean
    assert "<script" not in html and "http" not in "".join(parser.links)  # offline, self-contained
    notices = {p.name for p in written if p.parent.name == "notices"}
    assert "guifan-整改意见书.md" in notices and "mofan-整改意见书.md" not in notices
    assert "notices/guifan-整改意见书.md" in parser.links


def test_default_weights_file() -> None:
    config = load_config()
    assert config.weights == {"completeness": 25, "compliance": 25, "timeliness": 20, "coverage": 20,
                              "responsiveness": 10}
    assert config.missing_data == "rescale"
    assert [v.id for v in config.vetoes] == ["classified", "id-number", "nothing-published"]
    assert config.publish_within == 20 and config.finding_deadline == 10


@pytest.mark.parametrize(("change", "message"), [
    (("  timeliness:", "  timelyness:"), ":8: unknown indicator 'timelyness' (did you mean timeliness?)"),
    (("    late_item: 4\n", ""), ":8: timeliness needs 'late_item'"),
    (("weight: 20}", "weight: twenty}"), ":3: weight must be a number, not 'twenty'"),
    (("GK-REQ-004]", "GK-REQ-044]"), ":7: exclude_rules: no rule 'GK-REQ-044' (did you mean GK-REQ-004?)"),
    (("condition: no_published_items", "condition: empty"), ":24: condition 'empty' is not one of"),
    (("errors_at_least, count: 3", "errors_at_least"), ":25: condition errors_at_least needs 'count'"),
    (("{error: 5, warning: 1, info: 0}", "{error: 5, warning: 1}"), ":6: deduct needs 'info'"),
    (("channels: [led, kiosk, board]", "channels: [led, tv]"), ":16: channels: 'tv' is not one of"),
    (("missing_data: rescale", "missing_data: maybe"), ":1: missing_data must be rescale or zero"),
    (("weight: 20}", "weight: -1}"), ":3: weight must not be negative"),
    (("  coverage:", "  coverage: [1"), ":14:13: YAML 格式错误"),  # an unclosed [: located where it opens
])
def test_weights_file_errors_are_located(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = tmp_path / "weights.yaml"
    assert change[0] in WEIGHTS
    path.write_text(WEIGHTS.replace(change[0], change[1], 1), "utf-8")
    with pytest.raises(WeightsError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path) + message), str(caught.value)


def test_working_days_follow_the_official_calendar() -> None:
    calendar = WorkCalendar()
    # 09-30 → 10-09: 10-01…10-07 off (10-03/04 a weekend anyway), 10-08 and 10-09 worked.
    assert calendar.between(dt.date(2026, 9, 30), dt.date(2026, 10, 9)) == 2
    # 10-10 is a Saturday worked in exchange (调休); 09-20 a Sunday worked.
    assert calendar.between(dt.date(2026, 10, 9), dt.date(2026, 10, 10)) == 1
    assert calendar.between(dt.date(2026, 9, 19), dt.date(2026, 9, 20)) == 1
    assert calendar.between(dt.date(2026, 9, 24), dt.date(2026, 9, 25)) == 0  # 中秋节
    assert calendar.between(PREV, TODAY) == 19
    assert calendar.between(TODAY, PREV) == 0
    assert calendar.notes() == []


def test_years_beyond_the_calendar_fall_back_to_weekdays() -> None:
    calendar = WorkCalendar()
    far = dt.date(2099, 1, 1)  # a Thursday
    assert calendar.between(far, far + dt.timedelta(days=7)) == 5
    (note,) = calendar.notes()
    assert "2099" in note and "周一至周五" in note


def test_cli_assess_writes_outputs_and_stores_each_run(site: Site, tmp_path: Path) -> None:
    from signage.cli import main

    out = tmp_path / "report"
    args = ["assess", str(site.county.root), "--data", str(site.data), "--weights", str(site.weights),
            "--today", "2026-11-27"]
    runner = CliRunner()
    run = runner.invoke(main, [*args, "-o", str(out), "--no-pdf"])
    assert run.exit_code == 0, run.output
    assert "台安县mofan局" in run.output and "100.0" in run.output and "overdue" in run.output
    assert (out / "assessment.csv").exists() and (out / "assessment.html").exists()
    stored = sorted((site.data / ASSESSMENTS_DIR).glob("*.json"))
    assert len(stored) == 2  # 11-02 and this one
    trial = runner.invoke(main, [*args, "--no-save"])
    assert trial.exit_code == 0, trial.output
    assert "+0.0" not in trial.output and "±0" in trial.output  # compared with the run just stored
    assert len(sorted((site.data / ASSESSMENTS_DIR).glob("*.json"))) == 2
    not_weights = str(site.county.root / "county.yaml")
    bad = runner.invoke(main, ["assess", str(site.county.root), "--weights", not_weights])
    assert bad.exit_code == 2


def test_timeliness_starts_its_clock_at_the_first_publish_of_a_new_installation(tmp_path: Path) -> None:
    """Content written months before the system existed is not "published late" by it: the
    sample's fresh demo used to score 0 timeliness points because of exactly this."""
    site = Site(tmp_path)
    write_v1(site.county)  # items dated 2026-10-12
    site.publish(TODAY)
    site.log_publications(dt.date(2026, 9, 1), TODAY)  # running since September: the change counts
    late = site.assess(TODAY)
    site.log_publications(TODAY)  # a new installation, first published today (34 working days later)
    fresh = site.assess(TODAY)
    for before, now in zip(late.units, fresh.units, strict=True):
        if "逾期发布 0" not in before.indicators["timeliness"].detail:
            assert "逾期发布 0" in now.indicators["timeliness"].detail, now.unit
            assert now.indicators["timeliness"].points > before.indicators["timeliness"].points
    assert any("逾期发布 0" not in u.indicators["timeliness"].detail for u in late.units)


def test_responsiveness_uses_the_request_register(tmp_path: Path) -> None:
    from signage.requests.register import Request
    from signage.requests.store import Register

    site = Site(tmp_path)
    write_v1(site.county)
    site.publish(TODAY)
    site.log_publications(TODAY)
    unit = UNITS[0]
    assert site.assess(TODAY).units[0].indicators["responsiveness"].points is None  # first assessment
    store = Register.in_folder(site.data)
    answered = store.add(Request(unit, dt.date(2026, 9, 30), "网络", "自然人", "按时答复的申请"))
    store.answer(answered.id, "予以公开", dt.date(2026, 11, 3))  # the deadline itself
    store.add(Request(unit, dt.date(2026, 10, 9), "网络", "自然人", "逾期未答复"))  # due 11-05
    store.add(Request(unit, dt.date(2026, 11, 20), "网络", "自然人", "未到期"))  # not counted yet
    scores = {u.unit_id: u.indicators["responsiveness"] for u in site.assess(TODAY).units}
    assert scores[unit].detail.endswith("依申请公开按时答复 1/2，逾期未答复 1")
    assert scores[unit].points == pytest.approx(scores[unit].weight / 2)
