"""One build of the site: the publishable records of a check → every file → written incrementally.

``build_site`` is what ``signage site`` runs and what ``signage serve --site`` runs after every
publish. Pages are rendered again only for units whose records changed since the last build in
this process (:class:`SiteBuilder` keeps them); the writer then writes only files whose bytes
changed, so a one-item edit rewrites its page, its unit's lists, its search shard and its sitemap.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from signage.catalogue.checking import CheckResult
from signage.publishing import payloads
from signage.publishing.payloads import MEDIA_TYPES
from signage.site import feeds, searchdata, urls
from signage.site.output import WriteReport, write_site
from signage.site.pages import Renderer
from signage.site.records import SiteContent, SiteUnit, site_unit

DEFAULT_BASE_URL = "http://localhost/"


@dataclass(slots=True)
class _UnitFiles:
    key: bytes
    files: dict[str, bytes]
    leaves: list[str]
    chars: set[str]
    unit: SiteUnit
    stamp: tuple[object, ...]


class SiteBuilder:
    """Builds the site again and again (``serve``), re-rendering only the units that changed."""

    def __init__(self, out: Path, base_url: str | None = None) -> None:
        self.out = out
        self.base_url = base_url
        self._units: dict[str, _UnitFiles] = {}
        self._stamps: dict[str, tuple[object, ...]] = {}

    def build(self, check: CheckResult, today: dt.date) -> WriteReport:
        base_url = self.base_url or check.catalogue.county.site_url or DEFAULT_BASE_URL
        blocked = check.blocked()
        root = Path(check.catalogue.root)
        county = json.dumps(payloads.county_object(check.catalogue.county), sort_keys=True)
        units: list[SiteUnit] = []
        stale: set[str] = set()
        for unit in check.catalogue.units.values():
            held = frozenset(key for unit_id, key in blocked if unit_id == unit.id)
            stamp = (check.generations.get(unit.id), held, today, base_url, county)
            cached = self._units.get(unit.id)
            if cached is None or cached.stamp != stamp or stamp[0] is None:
                units.append(site_unit(root, unit, blocked, today))
                stale.add(unit.id)
                self._stamps[unit.id] = stamp
            else:
                units.append(cached.unit)
        content = SiteContent(payloads.county_object(check.catalogue.county), units, today)
        renderer = Renderer(content, urlsplit(base_url).hostname or "")
        files: dict[str, bytes] = {}
        leaves: list[str] = []
        chars: set[str] = set()
        for unit in content.units:
            done = self._unit_files(renderer, content, unit, base_url, unit.id in stale)
            files.update(done.files)
            leaves += done.leaves
            chars |= done.chars
        files |= _site_files(renderer, content, base_url, chars)
        return write_site(self.out, files, leaves)

    def _unit_files(
        self, renderer: Renderer, content: SiteContent, unit: SiteUnit, base_url: str, stale: bool
    ) -> _UnitFiles:
        cached = self._units.get(unit.id)
        if cached is not None and not stale:
            return cached
        key = json.dumps(
            [
                content.county,
                unit.data,
                [
                    (p.path, p.data, p.index_number, p.expired, str(p.image or ""))
                    for p in (*unit.powers, *unit.notices)
                ],
                base_url,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        ).encode("utf-8")
        cached = self._units.get(unit.id)
        if cached is not None and cached.key == key:
            return cached
        files: dict[str, bytes] = {}
        leaves: list[str] = []
        for page in unit.powers:
            image = None
            if page.image is not None and page.image.suffix.lower() in MEDIA_TYPES:
                image = urls.item_asset(unit.id, urls.slug(page.key) + page.image.suffix.lower())
                files[image] = page.image.read_bytes()
                leaves.append(image)
            files[page.path] = renderer.item(unit, page, image)
            leaves.append(page.path)
        for page in unit.notices:
            files[page.path] = renderer.notice(unit, page)
            leaves.append(page.path)
        files[urls.unit_home(unit.id)] = renderer.unit(unit)
        files[urls.unit_catalogue(unit.id)] = renderer.unit_catalogue(unit)
        files[urls.unit_guide(unit.id)] = renderer.guide(unit)
        shard, chars = searchdata.shard(unit, renderer.unit_names)
        files[urls.search_shard(unit.id)] = shard
        files[urls.unit_sitemap(unit.id)] = feeds.urlset(feeds.unit_urls(unit), base_url)
        done = self._units[unit.id] = _UnitFiles(key, files, leaves, chars, unit, self._stamps[unit.id])
        return done


def _site_files(renderer: Renderer, content: SiteContent, base_url: str, chars: set[str]) -> dict[str, bytes]:
    static = resources.files("signage.site") / "static"
    return {
        urls.CSS: (static / "site.css").read_bytes(),
        urls.SCRIPT: (static / "search.js").read_bytes(),
        urls.HOME: renderer.home(),
        urls.SEARCH: renderer.search(),
        urls.GUIDE: renderer.guide(None),
        urls.CATALOGUE: renderer.county_catalogue(),
        urls.SEARCH_MANIFEST: searchdata.manifest(content),
        urls.SEARCH_GLYPHS: searchdata.glyphs(chars),
        urls.SITEMAP: feeds.sitemap_index(content, base_url),
        urls.unit_sitemap("_site"): feeds.urlset(
            [(p, None) for p in (urls.HOME, urls.SEARCH, urls.GUIDE, urls.CATALOGUE)], base_url
        ),
        urls.FEED: feeds.atom(content, base_url, f"{renderer.county_name}政府信息公开"),
    }


def build_site(check: CheckResult, out: Path, today: dt.date, base_url: str | None = None) -> WriteReport:
    """Write the whole site for ``check`` into ``out`` (only files that changed)."""
    return SiteBuilder(out, base_url).build(check, today)
