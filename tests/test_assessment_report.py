"""The assessment report as a reader sees it: rescaled columns that add up, a trend chart only
when there is a trend, Beijing time and no internal file paths on the page."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import TODAY
from test_assessment import Site, _Tags, site  # noqa: F401  (the fixture)

from signage.catalogue.checking import check_content
from signage.office.assessment.config import load_config
from signage.office.assessment.report_html import render_html
from signage.office.assessment.scoring import assess


def _rows(html: str) -> list[list[str]]:
    table = html.split("<h2>排名</h2>", 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S) for row in table.split("<tr>")[1:]]


def test_rescaled_indicator_columns_add_up_to_the_total(site: Site, tmp_path: Path) -> None:  # noqa: F811
    """Without the publisher's records, coverage and responsiveness have no data: 60 of 100 weight
    is counted, and each column shows its points ×100/60, so a row adds up to the total."""
    check = check_content(site.county.root, TODAY)
    result = assess(check, tmp_path / "no-records", config=load_config(site.weights), today=TODAY)
    total = sum(result.config.weights.values())
    rescaled = [u for u in result.units if u.counted_weight and u.counted_weight != total and not u.vetoes]
    assert rescaled, "the fixture has units scored without some indicator's data"
    html = render_html(result)
    rows = _rows(html)
    head = [re.sub(r"<.*", "", h) for h in rows[0]]
    assert "折算" in head and "100/计入权重" in html
    indicators = [head.index(result.config.labels[n]) for n in result.config.indicators]
    for unit in rescaled:
        row = next(r for r in rows[1:] if r[1] == unit.name)
        shown = [float(row[i]) for i in indicators if re.fullmatch(r"[\d.]+", row[i])]
        assert abs(sum(shown) - unit.score) <= 0.05 * len(shown) + 0.05, (unit.name, row)
        assert f"100/{unit.counted_weight:g}" in row[head.index("折算")]


def test_one_assessment_has_no_empty_trend_chart_and_the_page_shows_local_time(site: Site,  # noqa: F811
                                                                            tmp_path: Path) -> None:
    check = check_content(site.county.root, TODAY)
    result = assess(check, tmp_path / "fresh-data", config=load_config(site.weights), today=TODAY)
    assert len(result.trend) == 1
    result.assessed_at = "2026-11-27T03:05:00Z"
    result.notes.append(f"未找到发布状态 {tmp_path}/fresh-data/publisher-state.json：按未找到处理。")
    html = render_html(result)
    trend = html.split("<h2>历次评估总分趋势</h2>", 1)[1].split("<h2>", 1)[0]
    assert "<svg" not in trend and "只有本次评估" in trend
    parser = _Tags()
    parser.feed(html)
    assert parser.tags["svg"] == 1 + len(result.units)  # the bars and the sparklines, no trend chart
    assert "2026年11月27日 11:05（北京时间）" in html and "03:05" not in html and "T03" not in html
    assert str(tmp_path) not in html and "publisher-state.json" in html
