"""The site's URL scheme: one place that names every page and file (see docs/SITE.md).

Paths are relative to the site root and use only ASCII; every link between pages is written
relative (``../../index.html``), so the site works in any folder of any web server.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from signage.catalogue.vocab import ITEM_PAGE

HOME = "index.html"
SEARCH = "search.html"
GUIDE = "zfxxgk/zhinan.html"  # 政府信息公开指南 (county)
CATALOGUE = "zfxxgk/mulu.html"  # 主动公开目录 (county: per unit)
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
CSS = "static/site.css"
SCRIPT = "static/search.js"
SEARCH_MANIFEST = "search/index.json"
SEARCH_GLYPHS = "search/glyphs.json"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}")


def slug(key: str) -> str:
    """A file name for an item code or 文号: the code itself when it is plain ASCII (so the
    county's online_url template and the site agree), else a stable digest."""
    if _SAFE.fullmatch(key) and not key.endswith(".html"):
        return key
    return "h" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def unit_home(unit: str) -> str:
    return f"xzql/{unit}/index.html"


def item(unit: str, code: str) -> str:
    return ITEM_PAGE.format(unit=unit, code=slug(code))


def item_asset(unit: str, name: str) -> str:
    return f"xzql/{unit}/img/{name}"


def notice_file(unit: str, key: str, number: int, suffix: str) -> str:
    """A notice's attachment, beside its page: ``zfxxgk/<unit>/fujian/<notice>-<n><suffix>``."""
    return f"zfxxgk/{unit}/fujian/{slug(key)}-{number}{suffix.lower()}"


def notice(unit: str, key: str) -> str:
    return f"zfxxgk/{unit}/{slug(key)}.html"


def unit_catalogue(unit: str) -> str:
    return f"zfxxgk/{unit}/mulu.html"


def unit_guide(unit: str) -> str:
    return f"zfxxgk/{unit}/zhinan.html"


def unit_sitemap(unit: str) -> str:
    return f"sitemap/{unit}.xml"


def search_shard(unit: str) -> str:
    return f"search/{unit}.json"


def relative(source: str, target: str) -> str:
    """The link from page ``source`` to ``target`` (both site paths)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path
