"""The office's proof-of-play page per unit (see :mod:`signage.console.office.coverage`)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from signage.console.editing.checks import county_result
from signage.console.office import coverage
from signage.console.office.views import fleet_rows
from signage.console.security import OFFICE, role_required
from signage.console.site import current


def _titles(unit: object) -> dict[tuple[str, str], str]:
    titles = {("powers", p.key): p.name for p in unit.powers}
    titles |= {("notices", n.key): n.title for n in unit.notices}
    titles |= {("announcements", a.key): a.text[:40] for a in unit.announcements}
    return titles


@role_required(OFFICE)
def unit_coverage(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit = county_result(current()).catalogue.units.get(unit_id)
    if unit is None:
        raise Http404("没有这个单位")
    site = current()
    data = coverage.read(site.data_dir, site.today())
    fleet = {row["screen"]: row for row in fleet_rows()}
    result = coverage.unit_coverage(data, unit_id, fleet)
    titles = _titles(unit)

    def named(entries: list[tuple[str, str]]) -> list[dict]:
        return [{"kind": coverage.KINDS.get(k, k), "key": key, "title": titles.get((k, key), "")}
                for k, key in entries]

    screens = [{"screen": s.screen, "kind": s.kind, "last_seen": s.last_seen, "online": s.online,
                "played": s.played, "count": len(s.records),
                "records": [{**named([(r.kind, r.key)])[0], "played": r.played} for r in s.records]}
               for s in result.screens]
    return render(request, "console/coverage.html", {
        "unit": unit, "published": len(result.published), "screens": screens,
        "nowhere": named(result.nowhere), "unplayed": named(result.unplayed), "notes": result.notes,
        "window": coverage.WINDOW_DAYS})
