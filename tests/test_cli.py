"""The signage command as a user runs it: real processes, real files, exit codes."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import POWER, REPO, SAMPLE_CONTENT, TODAY, patched


def signage(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signage.cli", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_check_clean_content_exits_0(content) -> None:
    root = content.write()
    run = signage("check", root, "--today", "2026-11-27")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 个错误" in run.stdout


def test_check_with_errors_exits_1_and_prints_located_advice(content) -> None:
    root = content.write(powers=[patched(POWER, {"legal_basis": ["《中华人民共和国城乡规划法》"]})])
    run = signage("check", root, "--today", "2026-11-27")
    assert run.returncode == 1
    assert "units/demo/powers.yaml:" in run.stdout
    assert "GK-BASIS-002" in run.stdout
    assert "整改意见" in run.stdout
    assert "台安县测试局（demo）" in run.stdout


def test_check_json_is_the_same_findings(content) -> None:
    root = content.write(powers=[patched(POWER, {"type": "行政审批"})])
    run = signage("check", root, "--format", "json", "--today", "2026-11-27")
    assert run.returncode == 0  # warnings only
    payload = json.loads(run.stdout)
    assert payload["summary"]["warning"] == 1
    (finding,) = payload["findings"]
    assert finding["rule"] == "GK-TYPE-002"
    assert finding["file"] == "units/demo/powers.yaml"
    assert finding["line"] == 4  # powers:, - name:, code:, type:
    assert finding["field"] == "type"
    assert finding["unit"] == "demo" and finding["subject"] == "CSJ-XK-001"
    assert "行政许可" in finding["advice"]


def test_check_unit_filter(content) -> None:
    root = content.write(powers=[patched(POWER, {"type": "行政审批"})])
    assert json.loads(signage("check", root, "--format", "json", "--unit", "demo").stdout)["findings"]
    unknown = signage("check", root, "--unit", "nosuch")
    assert unknown.returncode == 2
    assert "demo" in unknown.stderr


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_unreadable_content_exits_2(tmp_path: Path, make: str) -> None:
    target = tmp_path / "content"
    if make == "empty":
        target.mkdir()
    run = signage("check", target)
    assert run.returncode == 2
    assert "无法读取内容" in run.stderr


def test_rectify_writes_one_notice_per_unit_with_findings(content, tmp_path: Path) -> None:
    root = content.write(powers=[patched(POWER, {"promised_days": "30"})])
    out = tmp_path / "notices"
    run = signage("rectify", root, "-o", out, "--date", "2026-11-27")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in out.iterdir()) == ["demo-整改意见书.md", "demo-整改意见书.pdf"]
    notice = out / "demo-整改意见书.md"
    text = notice.read_text("utf-8")
    assert "关于台安县测试局政务公开内容的整改意见书" in text
    assert "GK-TIME-004" in text and "`units/demo/powers.yaml:" in text
    assert "2026年11月27日" in text
    assert "台安县人民政府政务公开办公室" in text


def test_rules_markdown_is_current() -> None:
    run = signage("rules", "--format", "markdown")
    assert run.returncode == 0
    assert (REPO / "docs" / "RULES.md").read_text("utf-8") == run.stdout, (
        "docs/RULES.md is stale: run `make rules-doc`")


# --- the sample county -------------------------------------------------------------------


def test_sample_content_checks_clean_but_for_the_legacy_types() -> None:
    run = signage("check", SAMPLE_CONTENT, "--format", "json", "--today", "2026-11-27")
    assert run.returncode == 0, run.stdout[-3000:]
    findings = json.loads(run.stdout)["findings"]
    assert [(f["rule"], f["unit"]) for f in findings] == [("GK-TYPE-002", "taixi")] * 3


def test_sample_stats_match_the_seed() -> None:
    run = signage("stats", SAMPLE_CONTENT, "--format", "json")
    assert run.returncode == 0, run.stderr
    units = {row["unit"]: row for row in json.loads(run.stdout)["units"]}
    assert {"chengjian", "waijing", "jiaotong", "gongshang", "nongji", "renshe",
            "taixi", "taibei"} <= set(units)
    taixi = units["taixi"]["by_type"]
    assert (taixi["行政确认"], taixi["行政裁决"], taixi["行政给付"], taixi["行政审批"]) == (2, 2, 5, 3)
    assert taixi["其他行政权力"] >= 30


def test_sample_stats_table_and_csv() -> None:
    table = signage("stats", SAMPLE_CONTENT)
    assert "台安县台西区管理委员会" in table.stdout
    assert "行政确认 2 项、" in table.stdout.replace("\n", "")
    rows = list(csv.DictReader(io.StringIO(signage("stats", SAMPLE_CONTENT, "--format", "csv").stdout)))
    taixi = next(r for r in rows if r["unit_id"] == "taixi")
    assert taixi["行政审批"] == "3"
    assert int(taixi["事项合计"]) == sum(int(taixi[t]) for t in taixi
                                      if t.startswith(("行政", "其他")))


def test_stats_by_channel_held_back_and_month(content, tmp_path: Path) -> None:
    import csv as csv_module
    import io

    reviewed = {"reviewer": "王立新", "date": "2026-11-25", "result": "通过"}
    root = content.write(powers=[
        patched(POWER, {"updated": "2026-10-12"}),
        patched(POWER, {"code": "CSJ-XK-002", "name": "临时建设工程规划许可", "channels": ["kiosk", "board"],
                        "updated": "2026-11-03", "review": reviewed}),
        patched(POWER, {"code": "CSJ-XK-003", "name": "乡村建设规划许可", "legal_basis": ["城乡规划法"],
                        "updated": "2026-11-20", "review": reviewed}),
    ])
    run = signage("stats", root, "--format", "csv", "--from", "2026-11-01", "--to", "2026-11-30")
    assert run.returncode == 0, run.stderr
    (row,) = list(csv_module.DictReader(io.StringIO(run.stdout)))
    assert row["事项合计"] == "2" and row["暂缓发布"] == "1"  # the basis without 《》 is an error
    assert (row["LED屏幕"], row["电子触摸屏"], row["公开栏"]) == ("1", "2", "2")
    assert row["2026-11更新"] == "2" and "2026-10更新" not in row  # the notice (09-18) is outside
    table = signage("stats", root, "--from", "2026-11-01")
    assert "按发布渠道统计" in table.stdout and "按月更新统计（2026-11-01" in table.stdout


@pytest.mark.parametrize("columns", ["20", "80", "300"])
def test_error_messages_are_whole_at_any_terminal_width(tmp_path: Path, columns: str) -> None:
    """rich would wrap a long message at the terminal's width, splitting the path it names."""
    missing = tmp_path / ("很长的目录名" * 8) / "content"
    run = subprocess.run([sys.executable, "-m", "signage.cli", "check", str(missing)], cwd=REPO,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COLUMNS": columns, "TERM": "dumb"})
    assert run.returncode == 2
    assert str(missing) in run.stderr.replace("\n", "") and str(missing) in run.stderr


def test_sample_content_loses_nothing_within_a_year() -> None:
    """The demo must not show fewer items next month: what each sample screen shows on the
    suite's day, it still shows a year on (the sample's announcements are standing ones, ending
    years ahead). Built by the publisher's own planner and gate, as the screens get it. The day is
    the suite's fixed TODAY, so the suite passes on any calendar day; `signage check` warns a
    county of its own expiring content."""
    from signage.catalogue.checking import check_content
    from signage.publishing.preview import local_plans
    from signage.publishing.screens import load_screens

    screens = load_screens(REPO / "layouts")

    def shown(day: dt.date) -> set[tuple[str, str]]:
        plans = local_plans(check_content(SAMPLE_CONTENT, day), screens, day)
        noon = dt.datetime.combine(day, dt.time(12))
        return {(screen, entry.key) for screen, plan in plans.items() for entry in plan.entries
                if dataclasses.replace(entry, hours=None).active(noon)}

    now, later = shown(TODAY), shown(TODAY + dt.timedelta(days=366))
    assert len(now) > 100
    assert not now - later, f"sample content that leaves the screens within a year: {sorted(now - later)}"
