"""One build of the site: the publishable records of a check → every file → written incrementally.

``build_site`` is what ``signage site`` runs and what ``signage serve --site`` runs after every
publish. A :class:`SiteBuilder` remembers, between builds, each unit's check generation and each
page's inputs with the digest of what it rendered: a unit the check did not reload is not looked at
again, and in a reloaded unit only pages whose inputs changed are rendered. The writer writes only
files whose bytes changed, so a one-item edit rewrites its page, its unit's page and 目录, its
search shard and (when its date changed) its unit's sitemap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from signage.catalogue.checking import CheckResult, collector_paused
from signage.publishing import payloads
from signage.publishing.payloads import MEDIA_TYPES
from signage.site import feeds, searchdata, urls
from signage.site.output import SiteWriter, WriteReport
from signage.site.pages import Renderer
from signage.site.records import Page, SiteContent, SiteUnit, site_unit

DEFAULT_BASE_URL = "http://localhost/"


@dataclass(slots=True)
class _Known:
    """What a build left of a unit: its records, their inputs and the files they made."""

    stamp: tuple[object, ...]
    unit: SiteUnit
    chars: set[str]
    files: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # path → (inputs, digest, size)


class SiteBuilder:
    """Builds the site again and again (``serve``), rendering only what changed."""

    def __init__(self, out: Path, base_url: str | None = None, *, verify: bool = True) -> None:
        self.out = out
        self.base_url = base_url
        self.verify = verify  # stat every file on the first build; trust the manifest afterwards
        self._known: dict[str, _Known] = {}
        self._charts: dict[str, Any] = {}  # flowcharts laid out once per distinct steps
        self._county: dict[str, tuple[str, int]] = {}  # county pages: path → (digest, size)
        self._county_key = ""

    def build(self, check: CheckResult, today: dt.date) -> WriteReport:
        with collector_paused():  # many small objects, no cycles: the cyclic collector only costs time
            return self._build(check, today)

    def _build(self, check: CheckResult, today: dt.date) -> WriteReport:
        base_url = self.base_url or check.catalogue.county.site_url or DEFAULT_BASE_URL
        blocked = check.blocked()
        root = Path(check.catalogue.root)
        county = payloads.county_object(check.catalogue.county)
        county_key = json.dumps(county, sort_keys=True, ensure_ascii=False)
        writer = SiteWriter(self.out, verify=self.verify)
        units, stale = [], []
        for unit in check.catalogue.units.values():
            held = frozenset(key for unit_id, key in blocked if unit_id == unit.id)
            stamp = (check.generations.get(unit.id), held, today, base_url, county_key)
            known = self._known.get(unit.id)
            if known is None or known.stamp != stamp or stamp[0] is None:
                known = _Known(
                    stamp, site_unit(root, unit, blocked, today), set(), known.files if known else {}
                )
                stale.append(known)
                self._known[unit.id] = known
            elif not all(writer.keep(path, d, size) for path, (_, d, size) in known.files.items()):
                stale.append(known)  # a file went missing or changed behind our back
            units.append(known.unit)
        content = SiteContent(county, units, today)
        renderer = Renderer(content, urlsplit(base_url).hostname or "", self._charts)
        for known in stale:
            self._write_unit(writer, renderer, known, base_url, county_key)
        chars = set().union(*(self._known[u.id].chars for u in units)) if units else set()
        self._write_county(writer, renderer, content, base_url, chars, county_key)
        _keep_last_good(writer, blocked)
        for gone in set(self._known) - {u.id for u in units}:
            del self._known[gone]
        self.verify = False
        return writer.finish()

    def _write_county(
        self,
        writer: SiteWriter,
        renderer: Renderer,
        content: SiteContent,
        base_url: str,
        chars: set[str],
        county_key: str,
    ) -> None:
        """The county's pages, rendered only when what they show changed (names, counts, notices)."""
        units = [
            (
                u.id,
                u.data.get("name"),
                [(p.data.get("power_type"), p.expired) for p in u.powers],
                [(p.path, p.data, p.expired) for p in u.notices],
            )
            for u in content.units
        ]
        summary = json.dumps(
            [county_key, base_url, content.today.isoformat(), sorted(chars), units],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        key = hashlib.sha256(summary.encode("utf-8")).hexdigest()
        if key == self._county_key and all(writer.keep(path, d, n) for path, (d, n) in self._county.items()):
            return
        self._county = {}
        for path, data in _site_files(renderer, content, base_url, chars).items():
            self._county[path] = (writer.put(path, data), len(data))
        self._county_key = key

    def _write_unit(
        self, writer: SiteWriter, renderer: Renderer, known: _Known, base_url: str, county_key: str
    ) -> None:
        unit = known.unit
        old, known.files = known.files, {}
        context = json.dumps(
            [unit.data, county_key, base_url], sort_keys=True, ensure_ascii=False, default=str
        )

        def emit(path: str, inputs: str, render: Callable[[], bytes]) -> None:
            key = hashlib.sha256(inputs.encode("utf-8")).hexdigest()
            before = old.get(path)
            if before is not None and before[0] == key and writer.keep(path, before[1], before[2]):
                known.files[path] = before
                return
            data = render()
            known.files[path] = (key, writer.put(path, data), len(data))

        for page in unit.powers:
            image = _image_path(page)
            if image is not None:
                emit(image, f"{page.image}:{_stamp(page.image)}", page.image.read_bytes)  # type: ignore[union-attr]
            emit(
                page.path,
                _inputs(page, context, image),
                lambda page=page, image=image: renderer.item(unit, page, image),
            )
        for page in unit.notices:
            files = _attachment_paths(page)
            for (_, source), path in zip(page.attachments, files, strict=True):
                emit(path, f"{source}:{_stamp(source)}", source.read_bytes)
            emit(page.path, _inputs(page, context, json.dumps([(t, _stamp(s)) for t, s in page.attachments])),
                 lambda page=page, files=files: renderer.notice(unit, page, files))
        everything = context + "".join(_inputs(p, "", None) for p in (*unit.powers, *unit.notices))
        emit(urls.unit_home(unit.id), everything, lambda: renderer.unit(unit))
        emit(urls.unit_catalogue(unit.id), everything, lambda: renderer.unit_catalogue(unit))
        emit(urls.unit_guide(unit.id), context, lambda: renderer.guide(unit))
        shard, known.chars = searchdata.shard(unit, renderer.unit_names)
        emit(urls.search_shard(unit.id), everything, lambda: shard)
        emit(urls.unit_sitemap(unit.id), everything, lambda: feeds.urlset(feeds.unit_urls(unit), base_url))


def _keep_last_good(writer: SiteWriter, blocked: set[tuple[str, str]]) -> None:
    """An item held back by a new error keeps the page it had (as screens keep its last good
    version): its QR code still opens it. It leaves the lists, the search and the sitemap until
    it is fixed; a record withdrawn (deleted, or no longer 主动公开) loses its page."""
    for unit_id, key in blocked:
        for path in (urls.item(unit_id, key), urls.notice(unit_id, key)):
            known = writer.old.get(path)
            if known is not None and path not in writer.digests:
                size = (writer.out / path).stat().st_size if (writer.out / path).is_file() else 0
                if size:
                    writer.keep(path, known, size)


def _image_path(page: Page) -> str | None:
    if page.image is None or page.image.suffix.lower() not in MEDIA_TYPES:
        return None
    return urls.item_asset(page.unit, urls.slug(page.key) + page.image.suffix.lower())


def _attachment_paths(page: Page) -> list[str]:
    return [urls.notice_file(page.unit, page.key, n, source.suffix)
            for n, (_, source) in enumerate(page.attachments, start=1)]


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return ""
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _inputs(page: Page, context: str, image: str | None) -> str:
    return json.dumps(
        [page.path, page.data, page.index_number, page.expired, image, context],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )


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
