"""sitemap.xml (a sitemap index, one sitemap per unit: an edit rewrites one) and the Atom feed of
new government information."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from signage.site import urls
from signage.site.records import SiteContent, SiteUnit

FEED_SIZE = 50


def sitemap_index(content: SiteContent, base_url: str) -> bytes:
    entries = "".join(
        f"<sitemap><loc>{escape(urls.absolute(base_url, urls.unit_sitemap(u.id)))}</loc></sitemap>"
        for u in content.units
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/'
        f'sitemap/0.9"><sitemap><loc>{escape(urls.absolute(base_url, urls.unit_sitemap("_site")))}</loc>'
        f"</sitemap>{entries}</sitemapindex>\n"
    ).encode()


def urlset(paths: list[tuple[str, str | None]], base_url: str) -> bytes:
    body = "".join(
        f"<url><loc>{escape(urls.absolute(base_url, path))}</loc>"
        + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "")
        + "</url>"
        for path, lastmod in paths
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{body}</urlset>\n"
    ).encode()


def unit_urls(unit: SiteUnit) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = [
        (urls.unit_home(unit.id), None),
        (urls.unit_catalogue(unit.id), None),
        (urls.unit_guide(unit.id), None),
    ]
    for page in (*unit.powers, *unit.notices):
        found.append((page.path, page.data.get("updated") or page.data.get("date")))
    return found


def atom(content: SiteContent, base_url: str, title: str) -> bytes:
    notices = sorted(
        (p for u in content.units for p in u.notices if not p.expired),
        key=lambda p: (p.data.get("date") or "", p.path),
        reverse=True,
    )[:FEED_SIZE]
    updated = max((p.data.get("updated") or p.data.get("date") or "" for p in notices), default="")
    stamp = _stamp(updated or content.today.isoformat())
    entries = []
    for page in notices:
        link = escape(urls.absolute(base_url, page.path))
        summary = escape(str(page.data.get("summary") or ""))
        when = _stamp(page.data.get("updated") or page.data.get("date") or content.today.isoformat())
        entries.append(
            f'<entry><title>{escape(page.title)}</title><link href="{link}"/><id>{link}</id>'
            f"<updated>{when}</updated><summary>{summary}</summary>"
            f"<author><name>{escape(str(page.data.get('issuer') or page.unit))}</name></author></entry>"
        )
    feed_url = escape(urls.absolute(base_url, urls.FEED))
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">'
        f'<title>{escape(title)}</title><id>{feed_url}</id><link rel="self" href="{feed_url}"/>'
        f'<link href="{escape(urls.absolute(base_url, urls.HOME))}"/><updated>{stamp}</updated>'
        f"{''.join(entries)}</feed>\n"
    ).encode()


def _stamp(iso_date: str) -> str:
    return dt.date.fromisoformat(iso_date[:10]).isoformat() + "T00:00:00+08:00"
