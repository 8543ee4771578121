"""Every page of the site as HTML, from the site's records, through Jinja2 templates with
autoescape on (a ``<script>`` a unit pastes into a name is text on the page)."""

from __future__ import annotations

import json
from typing import Any

import jinja2
from markupsafe import Markup

from signage.catalogue.vocab import POWER_TYPES
from signage.diagrams.flowchart import layout_flowchart
from signage.diagrams.shapes import Fonts
from signage.diagrams.svg import to_svg
from signage.site import urls
from signage.site.records import Page, SiteContent, SiteUnit

CHART_WIDTH = 150.0  # mm: the chart is laid out once at this width; the browser scales it
LATEST = 10
CHART_CACHE = 512  # laid-out charts kept (items sharing a flow share one)
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("signage.site", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.ChainableUndefined,
)


class Renderer:
    """Renders pages for one site; charts are laid out once per distinct list of steps."""

    def __init__(
        self, content: SiteContent, site_domain: str = "", charts: dict[str, Any] | None = None
    ) -> None:
        self.content = content
        self.county = content.county
        self.county_name = str(self.county.get("name") or "")
        self.site_name = f"{self.county_name}政务公开"
        self.site_domain = site_domain
        self.unit_names = {u.id: u.name for u in content.units}
        self._fonts: Fonts | None = None
        self._charts = {} if charts is None else charts  # steps and title → SVG, kept by the builder

    def _render(self, template: str, here: str, **context: Any) -> bytes:
        def u(target: str) -> str:
            return urls.relative(here, target) if target else ""

        root = urls.relative(here, urls.HOME)[: -len(urls.HOME)]
        base = {
            "u": u,
            "root": root,
            "site_name": self.site_name,
            "site_domain": self.site_domain,
            "county": self.county,
            "county_name": self.county_name,
            "today": self.content.today.isoformat(),
            "css": urls.CSS,
            "script": urls.SCRIPT,
            "feed": urls.FEED,
            "home": urls.HOME,
            "search": urls.SEARCH,
            "guide": urls.GUIDE,
            "catalogue": urls.CATALOGUE,
            "article": False,
            "column": "网上公开专栏",
            "crumbs": [],
        }
        html = _ENV.get_template(template).render(base | context)
        return html.replace('data-root=""', f'data-root="{root}"', 1).encode("utf-8")

    def home(self) -> bytes:
        counts: dict[str, int] = {}
        for unit in self.content.units:
            for page in unit.powers:
                if not page.expired:
                    name = str(page.data.get("power_type") or "其他行政权力")
                    counts[name] = counts.get(name, 0) + 1
        order = {name: i for i, name in enumerate(POWER_TYPES)}
        types = sorted(counts.items(), key=lambda kv: order.get(kv[0], len(order)))
        notices = sorted(
            (p for u in self.content.units for p in u.notices if not p.expired),
            key=lambda p: (p.data.get("date") or "", p.path),
            reverse=True,
        )[:LATEST]
        latest = [
            {
                "path": p.path,
                "title": p.title,
                "unit_name": self.unit_names[p.unit],
                "date": p.data.get("date") or "",
            }
            for p in notices
        ]
        units = [
            {"home": urls.unit_home(u.id), "name": u.name, "powers": len(u.powers), "notices": len(u.notices)}
            for u in self.content.units
        ]
        return self._render(
            "home.html",
            urls.HOME,
            title=f"{self.county_name}行政权力运行和政府信息公开",
            types=types,
            total_powers=sum(counts.values()),
            units=units,
            latest=latest,
            crumbs=[("首页", None)],
            show_today=True,
        )

    def unit(self, unit: SiteUnit) -> bytes:
        by_type: dict[str, list[Page]] = {}
        for page in unit.powers:
            by_type.setdefault(str(page.data.get("power_type") or "其他行政权力"), []).append(page)
        order = {name: i for i, name in enumerate(POWER_TYPES)}
        grouped = sorted(by_type.items(), key=lambda kv: order.get(kv[0], len(order)))
        return self._render(
            "unit.html",
            urls.unit_home(unit.id),
            title=unit.name,
            unit=unit,
            by_type=grouped,
            contacts=_contacts(unit.data),
            unit_catalogue=urls.unit_catalogue(unit.id),
            unit_guide=urls.unit_guide(unit.id),
            crumbs=[("首页", urls.HOME), (unit.name, None)],
        )

    def item(self, unit: SiteUnit, page: Page, image: str | None) -> bytes:
        data = page.data
        steps = [_step_text(s) for s in (data.get("flowchart") or {}).get("steps") or []]
        svg = (
            None
            if image or not steps
            else self._chart(json.dumps(data["flowchart"]["steps"], ensure_ascii=False), page.title)
        )
        supervision = (
            data.get("supervision_phone")
            or unit.data.get("supervision_phone")
            or self.county.get("supervision_phone")
            or ""
        )
        return self._render(
            "item.html",
            page.path,
            title=page.title,
            page=page,
            facts=_power_facts(page, unit),
            svg=svg,
            image=image,
            steps=steps,
            supervision=supervision,
            article=True,
            column="行政权力运行",
            pub_date=data.get("updated") or "",
            source=unit.name,
            crumbs=[("首页", urls.HOME), (unit.name, urls.unit_home(unit.id)), (page.title, None)],
        )

    def notice(self, unit: SiteUnit, page: Page, files: list[str] | None = None) -> bytes:
        data = page.data
        attachments = [
            {"title": title, "href": urls.relative(page.path, path), "size": _size(source),
             "kind": source.suffix.lstrip(".").upper()}
            for (title, source), path in zip(page.attachments, files or [], strict=False)
        ]
        facts = [
            (label, str(data.get(key) or ""))
            for label, key in (
                ("索引号", None),
                ("文号", "doc_number"),
                ("发布机构", "issuer"),
                ("成文日期", "date"),
                ("文种", "kind"),
                ("公开属性", "disclosure"),
                ("有效期至", "valid_until"),
            )
        ]
        facts[0] = ("索引号", page.index_number)
        facts = [(label, value) for label, value in facts if value]
        if page.expired:
            facts.append(("状态", "已失效"))
        paragraphs = [
            p.strip() for p in str(data.get("body") or data.get("summary") or "").split("\n") if p.strip()
        ]
        return self._render(
            "notice.html",
            page.path,
            title=page.title,
            page=page,
            facts=facts,
            paragraphs=paragraphs,
            attachments=attachments,
            article=True,
            column="政府信息公开",
            pub_date=data.get("date") or "",
            source=str(data.get("issuer") or unit.name),
            crumbs=[("首页", urls.HOME), (unit.name, urls.unit_home(unit.id)), (page.title, None)],
        )

    def unit_catalogue(self, unit: SiteUnit) -> bytes:
        rows = [
            {
                "index_number": p.index_number,
                "path": p.path,
                "title": p.title,
                "date": p.data.get("date") or p.data.get("updated") or "",
                "issuer": p.data.get("issuer") or unit.name,
                "expired": p.expired,
            }
            for p in (*unit.powers, *unit.notices)
        ]
        here = urls.unit_catalogue(unit.id)
        return self._render(
            "catalogue.html",
            here,
            title=f"{unit.name}主动公开目录",
            rows=rows,
            unit_rows=None,
            crumbs=[("首页", urls.HOME), ("主动公开目录", urls.CATALOGUE), (unit.name, None)],
        )

    def county_catalogue(self) -> bytes:
        rows = [
            {
                "catalogue": urls.unit_catalogue(u.id),
                "guide": urls.unit_guide(u.id),
                "name": u.name,
                "powers": len(u.powers),
                "notices": len(u.notices),
            }
            for u in self.content.units
        ]
        return self._render(
            "catalogue.html",
            urls.CATALOGUE,
            title=f"{self.county_name}主动公开目录",
            rows=[],
            unit_rows=rows,
            crumbs=[("首页", urls.HOME), ("主动公开目录", None)],
        )

    def guide(self, unit: SiteUnit | None) -> bytes:
        if unit is None:
            return self._render(
                "guide.html",
                urls.GUIDE,
                title=f"{self.county_name}政府信息公开指南",
                subject=f"{self.county_name}人民政府",
                catalogue_path=urls.CATALOGUE,
                contacts=[("受理机构", self.county.get("office") or "")] if self.county.get("office") else [],
                phone=self.county.get("supervision_phone") or "",
                crumbs=[("首页", urls.HOME), ("政府信息公开指南", None)],
            )
        return self._render(
            "guide.html",
            urls.unit_guide(unit.id),
            title=f"{unit.name}政府信息公开指南",
            subject=unit.name,
            catalogue_path=urls.unit_catalogue(unit.id),
            contacts=_contacts(unit.data),
            phone=unit.data.get("supervision_phone") or self.county.get("supervision_phone") or "",
            crumbs=[("首页", urls.HOME), (unit.name, urls.unit_home(unit.id)), ("政府信息公开指南", None)],
        )

    def search(self) -> bytes:
        units = [
            {"home": urls.unit_home(u.id), "catalogue": urls.unit_catalogue(u.id), "name": u.name}
            for u in self.content.units
        ]
        return self._render(
            "search.html",
            urls.SEARCH,
            title="搜索",
            units=units,
            crumbs=[("首页", urls.HOME), ("搜索", None)],
        )

    def _chart(self, steps_json: str, title: str) -> Markup:
        key = f"{title}\x00{steps_json}"
        svg = self._charts.get(key)
        if svg is None:
            self._fonts = self._fonts or Fonts()
            chart = layout_flowchart(json.loads(steps_json), CHART_WIDTH, self._fonts)
            if len(self._charts) >= CHART_CACHE:
                self._charts.clear()  # bounded: pages are re-rendered only when their inputs change
            svg = self._charts[key] = to_svg(
                chart.width, chart.height, chart.shapes, title=f"{title}办理流程图"
            )
        return Markup(svg)


def _contacts(data: dict[str, Any]) -> list[tuple[str, str]]:
    labels = (
        ("办公地址", "address"),
        ("办公时间", "hours"),
        ("咨询电话", "consult_phone"),
        ("监督电话", "supervision_phone"),
        ("投诉电话", "complaint_phone"),
        ("网站", "website"),
    )
    return [(label, str(data[key])) for label, key in labels if data.get(key)]


def _days(value: Any) -> str:
    return f"{value} 个工作日" if value not in (None, "") else ""


def _power_facts(page: Page, unit: SiteUnit) -> list[tuple[str, str | list[str]]]:
    d = page.data
    fee = d.get("fee") or {}
    charged = {True: "收费", False: "不收费"}.get(fee.get("charged"), "")
    facts: list[tuple[str, str | list[str]]] = [
        ("事项名称", page.title),
        ("事项编码", d.get("code") or ""),
        ("索引号", page.index_number),
        ("事项类型", d.get("power_type") or d.get("power_type_declared") or ""),
        ("实施主体", d.get("implementing_unit") or unit.name),
        ("承办机构", d.get("department") or ""),
        ("设定依据", list(d.get("legal_basis") or [])),
        ("法定时限", _days(d.get("statutory_days"))),
        ("承诺时限", _days(d.get("promised_days"))),
        ("是否收费", charged),
        ("收费标准", fee.get("standard") or ""),
        ("收费依据", fee.get("basis") or ""),
        ("申请材料", list(d.get("materials") or [])),
        ("受理条件", d.get("conditions") or ""),
        ("办理地点", d.get("place") or ""),
        ("办理时间", d.get("hours") or ""),
        ("咨询电话", d.get("consult_phone") or unit.data.get("consult_phone") or ""),
        ("监督电话", d.get("supervision_phone") or unit.data.get("supervision_phone") or ""),
        ("更新日期", d.get("updated") or ""),
    ]
    if page.expired:
        facts.append(("状态", "已失效"))
    return [(label, value) for label, value in facts if value]


def _step_text(step: dict[str, Any]) -> str:
    parts = [str(step.get("name") or "")]
    if step.get("post"):
        parts.append(f"（{step['post']}）")
    if step.get("days"):
        parts.append(f"，{step['days']} 个工作日")
    for branch in step.get("branches") or []:
        parts.append(f"；{branch.get('when') or ''} → {branch.get('to') or ''}")
    return "".join(parts)


def _size(path: Any) -> str:
    """A file's size as a reader sees it: 850 KB, 2.4 MB."""
    try:
        size = path.stat().st_size
    except OSError:
        return ""
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{max(1, round(size / 1024))} KB"
