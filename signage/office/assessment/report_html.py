"""The assessment as one self-contained HTML file: tables and inline SVG charts.

No script, no stylesheet or font from the network: the file opens offline, prints, and can be
mailed as it is. Charts are drawn here as plain SVG (a handful of rectangles, lines and text), so
the report needs no plotting library either.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from html import escape
from pathlib import PurePath
from zoneinfo import ZoneInfo

from signage.office.assessment.results import Assessment, TrendPoint, UnitScore, describe_vetoes
from signage.office.assessment.tables import NO_DATA, change_text, points_text
from signage.text.dates import format_date

LOCAL = ZoneInfo("Asia/Shanghai")  # the county's clock: timestamps on the page are Beijing time
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s\\/：，。；（）]+)+")  # an absolute file path in a note

COLOURS = ("#4e79a7", "#59a14f", "#edc948", "#76b7b2", "#b07aa1")  # one per indicator
VETO_COLOUR = "#e15759"
VETO_TEXT = "#b3261e"  # the same red, dark enough for text on white (WCAG AA, 4.5:1)
FONT = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
CSS = f"""
body {{ font-family: {FONT}; margin: 24px auto; max-width: 1200px; color: #222; padding: 0 16px; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 17px; margin-top: 32px; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; font-size: 13px; }}
th, td {{ border: 1px solid #d0d0d0; padding: 3px 7px; }}
th {{ background: #f2f2f2; }} td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.veto, .veto {{ color: {VETO_TEXT}; font-weight: bold; }}
.up {{ color: #2a7a2a; }} .down {{ color: #b22; }}
.nodata {{ color: #767676; }} .notes li {{ margin: 3px 0; }} small {{ color: #666; }}
svg text {{ font-family: {FONT}; }} svg.chart {{ max-width: 100%; height: auto; }}
@media print {{ h2 {{ page-break-before: auto; }} tr {{ page-break-inside: avoid; }} }}
"""


def render_html(assessment: Assessment, notices: dict[str, str] | None = None) -> str:
    """The report; ``notices`` maps unit id → relative link to its rectification notice."""
    config = assessment.config
    title = f"{assessment.county}政务公开评估报告（{format_date(assessment.date)}）"
    parts = [
        f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p><small>评估时间 {escape(local_time(assessment.assessed_at))}；"
        f"权重文件 {escape(PurePath(str(config.source)).name or '默认')}；"
        f"单位 {len(assessment.units)} 个。</small></p>",
        "<h2>排名</h2>", _ranking(assessment, notices or {}), _rescaling_note(assessment),
        "<h2>各单位指标得分</h2>", _legend(assessment), _bars(assessment),
        "<h2>历次评估总分趋势</h2>", _trend_chart(assessment),
        "<h2>指标明细</h2>", _details(assessment),
        "<h2>指标与权重</h2>", _weights(assessment),
        "<h2>数据说明</h2>", _notes(assessment),
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _ranking(assessment: Assessment, notices: dict[str, str]) -> str:
    config = assessment.config
    head = "".join(f"<th>{escape(config.labels[n])}<br><small>{config.weights[n]:g}</small></th>"
                   for n in config.indicators)
    scale = "<th>折算</th>" if _rescaled(assessment) else ""
    rows = [f"<table><tr><th>名次</th><th>单位</th><th>总分</th><th>变化</th><th>趋势</th>{head}{scale}"
            "<th>单项否决</th><th>意见书</th></tr>"]
    for unit in assessment.units:
        change = change_text(unit)
        css = "up" if change.startswith("+") else "down" if change.startswith("-") else ""
        cells = "".join(_points_cell(unit, n, _rescaled(assessment)) for n in config.indicators)
        link = notices.get(unit.unit_id)
        notice = f'<a href="{escape(link)}">查看</a>' if link else ""
        rows.append(f"<tr><td class=\"n\">{unit.rank}</td><td>{escape(unit.name)}</td>"
                    f"<td class=\"n\"><b>{unit.score:.1f}</b></td><td class=\"n {css}\">{change}</td>"
                    f"<td>{_sparkline(assessment.trend, unit.unit_id)}</td>{cells}"
                    f"{_scale_cell(assessment, unit) if _rescaled(assessment) else ''}"
                    f"{_veto_cell(unit)}<td>{notice}</td></tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _veto_cell(unit: UnitScore) -> str:
    """What was vetoed, in words; the veto ids (as in the terminal and CSV) on hover."""
    words = "；".join(v.description for v in unit.vetoes)
    return f'<td class="veto" title="{escape(describe_vetoes(unit.vetoes))}">{escape(words)}</td>'


def local_time(stamp: str) -> str:
    """An ISO timestamp (UTC as stored) as the county reads it: 2026年11月27日 11:05（北京时间）."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(LOCAL)
    return f"{format_date(local.date())} {local:%H:%M}（北京时间）"


def _rescaled(assessment: Assessment) -> bool:
    """Whether any unit's score was rescaled because indicators without data were left out."""
    total = sum(assessment.config.weights.values())
    return assessment.config.missing_data == "rescale" and any(
        u.counted_weight and abs(u.counted_weight - total) > 1e-9 for u in assessment.units)


def _points_cell(unit: UnitScore, name: str, rescaled: bool = False) -> str:
    """Points as scored; once scores are rescaled, the points as counted in the total (so a row
    adds up to its total), the points as scored on hover."""
    text = points_text(unit, name)
    css = "n nodata" if text == NO_DATA else "n"
    detail = unit.indicators[name].detail
    if rescaled and text != NO_DATA:
        detail = f"得分 {text}，折算后 {unit.contribution(name):.1f}；{detail}"
        text = f"{unit.contribution(name):.1f}"
    return f'<td class="{css}" title="{escape(detail)}">{text}</td>'


def _scale_cell(assessment: Assessment, unit: UnitScore) -> str:
    total = sum(assessment.config.weights.values())
    if not unit.counted_weight or abs(unit.counted_weight - total) < 1e-9:
        return '<td class="n">—</td>'
    return (f'<td class="n" title="无数据的指标不计入：计入权重 {unit.counted_weight:g}">'
            f"×{100 / unit.counted_weight:.3g}<br><small>100/{unit.counted_weight:g}</small></td>")


def _rescaling_note(assessment: Assessment) -> str:
    if not _rescaled(assessment):
        return ""
    return (f"<p><small>标“{NO_DATA}”的指标无数据，不计入总分；其余指标的得分按“折算”列乘以 100/计入权重，"
            "表中各指标列为折算后的得分，相加即总分（否决前）。悬停可见折算前的得分。</small></p>")


def _legend(assessment: Assessment) -> str:
    config = assessment.config
    items = [f'<span style="display:inline-block;width:12px;height:12px;background:{COLOURS[i]}"></span> '
             f"{escape(config.labels[name])}" for i, name in enumerate(config.indicators)]
    items.append('<span class="veto">✕ 单项否决（总分记 0）</span>')
    return ("<p>" + "　".join(items)
            + "<br><small>每段为该指标折算到百分制后的得分；条长即否决前的总分。</small></p>")


def _bars(assessment: Assessment) -> str:
    """A stacked bar per unit: each indicator's share of the score, in rank order."""
    label_w, scale, row_h, top = 230, 5.0, 22, 24
    width, height = label_w + 100 * scale + 260, top + row_h * len(assessment.units) + 10
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height}" '
           f'viewBox="0 0 {width:g} {height}" role="img" aria-label="各单位指标得分">']
    for tick in range(0, 101, 20):
        x = label_w + tick * scale
        out.append(f'<line x1="{x:g}" y1="{top - 4}" x2="{x:g}" y2="{height - 8}" stroke="#ddd"/>')
        out.append(f'<text x="{x:g}" y="{top - 8}" font-size="11" text-anchor="middle" fill="#666">'
                   f"{tick}</text>")
    for row, unit in enumerate(assessment.units):
        y = top + row * row_h
        out.append(f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
                   f"{escape(unit.name)}</text>")
        out += _bar_segments(assessment, unit, label_w, y, scale)
    out.append("</svg>")
    return "\n".join(out)


def _bar_segments(assessment: Assessment, unit: UnitScore, left: float, y: int, scale: float) -> list[str]:
    config, x, out = assessment.config, left, []
    faded = ' opacity="0.35"' if unit.vetoes else ""
    for i, name in enumerate(config.indicators):
        width = unit.contribution(name) * scale
        if width > 0:
            tip = f"{unit.name} {config.labels[name]} {unit.indicators[name].detail}"
            out.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="16" fill="{COLOURS[i]}"'
                       f"{faded}><title>{escape(tip)}</title></rect>")
        x += width
    column = left + 100 * scale + 10  # scores in a column of their own, right of the 100 mark
    if unit.vetoes:
        ids = ", ".join(v.id for v in unit.vetoes)
        out.append(f'<text x="{column:g}" y="{y + 15}" font-size="12" fill="{VETO_COLOUR}" '
                   f'font-weight="bold">✕ 0（否决：{escape(ids)}）</text>')
    else:
        out.append(f'<text x="{column:g}" y="{y + 15}" font-size="12" font-weight="bold">'
                   f"{unit.score:.1f}</text>")
    return out


def _trend_chart(assessment: Assessment) -> str:
    """Each unit's score across stored assessments (grey), the county mean (bold)."""
    trend = assessment.trend
    if len(trend) < 2:  # one assessment is not a trend: say so instead of an empty chart
        means = [sum(s.scores.values()) / len(s.scores) for s in trend if s.scores]
        mean = f"，全县平均 {means[0]:.1f} 分" if means else ""
        return f"<p>目前只有本次评估（{format_date(assessment.date)}）{mean}；下次评估后显示历次趋势。</p>"
    left, top, plot_w, plot_h = 44, 16, 720, 260
    width, height = left + plot_w + 60, top + plot_h + 56
    step = plot_w / max(1, len(trend) - 1)

    def point(index: int, score: float) -> str:
        x = left + (index * step if len(trend) > 1 else plot_w / 2)
        return f"{x:.1f},{top + plot_h - score / 100 * plot_h:.1f}"

    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="历次评估总分趋势">']
    for tick in range(0, 101, 20):
        y = top + plot_h - tick / 100 * plot_h
        out.append(f'<line x1="{left}" y1="{y:g}" x2="{left + plot_w}" y2="{y:g}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:g}" font-size="11" text-anchor="end" fill="#666">'
                   f"{tick}</text>")
    for index, stage in enumerate(trend):
        x = point(index, 0).split(",")[0]
        out.append(f'<text x="{x}" y="{top + plot_h + 18}" font-size="11" text-anchor="middle" fill="#444">'
                   f"{stage.date:%Y-%m-%d}</text>")
    for unit in assessment.units:
        out.append(_unit_line(trend, unit, point))
    means = [(i, sum(s.scores.values()) / len(s.scores)) for i, s in enumerate(trend) if s.scores]
    out.append(_polyline([point(i, m) for i, m in means], "#222", 2.5, "全县平均"))
    out.append(f'<text x="{left}" y="{height - 8}" font-size="11" fill="#666">'
               "粗线：全县平均；细线：各单位（悬停可见单位名称）</text></svg>")
    return "\n".join(out)


def _unit_line(trend: list[TrendPoint], unit: UnitScore, point: Callable[[int, float], str]) -> str:
    points = [point(i, s.scores[unit.unit_id]) for i, s in enumerate(trend) if unit.unit_id in s.scores]
    return _polyline(points, "#8aa1b8", 1.0, unit.name)


def _polyline(points: list[str], colour: str, width: float, title: str) -> str:
    if len(points) == 1:
        x, y = points[0].split(",")
        return (f'<circle cx="{x}" cy="{y}" r="{1.5 + width}" fill="{colour}">'
                f"<title>{escape(title)}</title></circle>")
    return (f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="{width:g}" '
            f'stroke-opacity="0.8"><title>{escape(title)}</title></polyline>')


def _sparkline(trend: list[TrendPoint], unit_id: str) -> str:
    scores = [s.scores[unit_id] for s in trend if unit_id in s.scores]
    w, h = 80, 20
    step = w / max(1, len(scores) - 1)
    points = [f"{i * step if len(scores) > 1 else w / 2:.1f},{h - 2 - s / 100 * (h - 4):.1f}"
              for i, s in enumerate(scores)]
    last_x, last_y = points[-1].split(",")
    line = (f'<polyline points="{" ".join(points)}" fill="none" stroke="#4e79a7" stroke-width="1.5"/>'
            if len(points) > 1 else "")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">'
            f'<line x1="0" y1="{h - 2}" x2="{w}" y2="{h - 2}" stroke="#eee"/>{line}'
            f'<circle cx="{last_x}" cy="{last_y}" r="2" fill="#4e79a7"/></svg>')


def _details(assessment: Assessment) -> str:
    config = assessment.config
    head = "".join(f"<th>{escape(config.labels[n])}</th>" for n in config.indicators)
    rows = [f"<table><tr><th>单位</th>{head}</tr>"]
    for unit in assessment.units:
        cells = "".join(f"<td>{escape(unit.indicators[n].detail)}</td>" for n in config.indicators)
        rows.append(f"<tr><td>{escape(unit.name)}</td>{cells}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def _weights(assessment: Assessment) -> str:
    config = assessment.config
    rows = ["<table><tr><th>指标</th><th>权重</th></tr>"]
    rows += [f"<tr><td>{escape(config.labels[n])}（{n}）</td><td class=\"n\">{config.weights[n]:g}</td></tr>"
             for n in config.indicators]
    rows.append("</table><p>单项否决：</p><ul>")
    rows += [f"<li><b>{escape(v.id)}</b>：{escape(v.description)}</li>" for v in config.vetoes]
    how = ("无数据的指标不计入总分，其余指标按权重折算为百分制" if config.missing_data == "rescale"
           else "无数据的指标按 0 分计")
    rows.append(f"</ul><p>{how}。</p>")
    return "\n".join(rows)


def _notes(assessment: Assessment) -> str:
    if not assessment.notes:
        return "<p>发布状态、发布记录、播放记录与打印记录齐全。</p>"
    items = "".join(f"<li>{escape(_no_paths(n))}</li>" for n in assessment.notes)
    return f'<ul class="notes">{items}</ul>'


def _no_paths(note: str) -> str:
    """A note without the office machine's folders: a file is named, not located."""
    return _PATH.sub(lambda m: PurePath(m.group(0).replace("\\", "/")).name, note)
