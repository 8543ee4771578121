"""Web column benchmark (网上公开专栏): the 65-unit, 10,000-item county as a static site.

Generated content (``check_catalogue.generate``, fixed seed), checked once. Measured in one run:

- full build (``SiteBuilder.build``: records through the publish gate, every page, flowcharts as
  SVG, search shards, sitemaps, feed, atomic writes into an empty folder): seconds, files, MB,
  peak RSS (VmHWM of this process, check included); baseline in the same run: the screens'
  planner over the same check (``build_fleet`` for one screen showing everything), as a ratio;
- one-item rebuild: an item's name edited in its YAML file, re-checked incrementally
  (``Checker``), the same builder builds again: seconds (check apart), files and bytes written,
  as a share of the full build's bytes;
- the search index: raw and gzipped bytes of every shard, the character table and the manifest;
- queries in the browser (Debian's chromium through Playwright, the site served on 127.0.0.1):
  ``--queries`` queries (pinyin initials of item names, full pinyin, Chinese, codes) timed with
  ``performance.now()`` inside the page, p50/p99/max; baseline: the same queries on the kiosk's
  Python index (``SearchIndex``) over the same records.

Targets (issue 19): full build ≤ 30 s and ≤ 300 MB; one-item rebuild ≤ 0.5 s and ≤ 1 % of the
full build's bytes; index ≤ 1.5 MB gzipped; a query ≤ 50 ms p99 in the browser.

    python bench/site.py [--units 65] [--items 10000] [--queries 300] [--keep DIR]
    python bench/site.py --quick      # 10 units, 1,000 items
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from browser import launch  # noqa: E402
from check_catalogue import generate  # noqa: E402
from pypinyin import Style, lazy_pinyin  # noqa: E402

from signage.catalogue.checking import Checker  # noqa: E402
from signage.publishing.plans import build_fleet  # noqa: E402
from signage.publishing.screens import Screen, ScreenSet, Selection  # noqa: E402
from signage.site.build import SiteBuilder  # noqa: E402
from signage.site.records import site_content  # noqa: E402
from signage.text.search import SearchIndex  # noqa: E402

TODAY = dt.date(2026, 11, 27)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _queries(titles: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        title = rng.choice(titles)
        start = rng.randrange(max(1, len(title) - 3))
        part = title[start:start + rng.randint(2, 4)]
        style = rng.randrange(4)
        if style == 0:
            found.append("".join(lazy_pinyin(part, style=Style.FIRST_LETTER)))
        elif style == 1:
            found.append("".join(lazy_pinyin(part)))
        elif style == 2:
            found.append(part)
        else:
            found.append(rng.choice("abcdefghjklmnpqrstwxyz"))  # one letter: the worst case
    return found


def _browser_queries(out: Path, queries: list[str]) -> list[float]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{server.server_port}/search.html")
            page.wait_for_selector("body[data-search-ready]", timeout=120_000)
            print(f"  index loaded in the browser: {time.perf_counter() - started:.2f} s")
            times = page.evaluate("""qs => qs.map(q => { const t = performance.now(); siteSearch(q, 50);
                                     return performance.now() - t; })""", queries)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return times


def hwm_kb() -> int | None:
    """Peak resident memory of this process (VmHWM), kB."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith("VmHWM:")), None)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _verdict(ok: bool) -> str:
    return "ok" if ok else "OVER TARGET"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=65)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.units, args.items, args.queries = 10, 1000, 100
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    gen = generate(folder / "content", args.units, args.items, args.seed)
    print(f"county: {gen.units} units, {gen.powers} power items, {gen.notices} notices")
    checker = Checker(folder / "content")
    start = time.perf_counter()
    check = checker.check(TODAY)
    print(f"check: {time.perf_counter() - start:.2f} s, {len(check.blocked())} held back")

    out = folder / "site"
    builder = SiteBuilder(out, "https://zwgk.example.gov.cn/")
    start = time.perf_counter()
    full = builder.build(check, TODAY)
    full_s = time.perf_counter() - start
    peak_mb = (hwm_kb() or 0) / 1024
    screen = Screen(id="all", kind="kiosk", site="", groups=(), layout={},
                    select=Selection(channel="电子触摸屏"))
    start = time.perf_counter()
    build_fleet(check, ScreenSet({"all": screen}, {}), TODAY)
    plan_s = time.perf_counter() - start
    print(f"full build: {full_s:.2f} s, {full.files} files, {full.bytes_written / 1e6:.1f} MB written, "
          f"peak RSS {peak_mb:.0f} MB  [target ≤ 30 s, ≤ 300 MB: "
          f"{_verdict(full_s <= 30 and peak_mb <= 300)}]")
    print(f"  baseline: the screens' planner over the same check {plan_s:.2f} s; site/planner = "
          f"{full_s / plan_s:.1f}×")

    content = site_content(check, TODAY)
    victim = content.units[len(content.units) // 2].powers[3]
    path = folder / "content" / next(p.location.file for u in check.catalogue.units.values()
                                     for p in u.powers if u.id == victim.unit and p.key == victim.key)
    text = path.read_text("utf-8")
    old = f"name: {victim.title}" if f"name: {victim.title}" in text else victim.title
    path.write_text(text.replace(old, old + "（变更）", 1), "utf-8")
    start = time.perf_counter()
    check = checker.check(TODAY)
    check_s = time.perf_counter() - start
    start = time.perf_counter()
    one = builder.build(check, TODAY)
    one_s = time.perf_counter() - start
    share = one.bytes_written / full.bytes_written
    print(f"one-item rebuild: {one_s:.3f} s (re-check {check_s:.2f} s apart), {len(one.written)} files, "
          f"{one.bytes_written / 1e3:.0f} kB = {share:.3%} of the full build  "
          f"[target ≤ 0.5 s, ≤ 1 %: {_verdict(one_s <= 0.5 and share <= 0.01)}]")
    print(f"  written: {', '.join(sorted(one.written))}")
    print(f"  ratio one-item/full build time: {one_s / full_s:.4f}")

    index = [p for p in (out / "search").iterdir()]
    raw = sum(p.stat().st_size for p in index)
    zipped = sum(len(gzip.compress(p.read_bytes(), 9)) for p in index)
    print(f"search index: {len(index)} files, {raw / 1e6:.2f} MB raw, {zipped / 1e6:.2f} MB gzipped  "
          f"[target ≤ 1.5 MB gzipped: {_verdict(zipped <= 1.5e6)}]")

    content = site_content(check, TODAY)
    titles = [p.title for p in content.pages()]
    queries = _queries(titles, args.queries, args.seed)
    times = _browser_queries(out, queries)
    p99 = _pct(times, 99)
    print(f"browser query ({len(times)}): p50 {_pct(times, 50):.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(times):.1f} ms"
          f"  [target ≤ 50 ms p99: {_verdict(p99 <= 50)}]")
    from signage.site.searchdata import _Doc

    names = {u.id: (u.name,) for u in content.units}
    index_py = SearchIndex.build([_Doc(p.kind, p.unit, p.data) for p in content.pages()], names)
    py = []
    for q in queries:
        start = time.perf_counter()
        index_py.search(q, 50)
        py.append((time.perf_counter() - start) * 1000)
    print(f"  baseline: the kiosk's Python index, same queries: p50 {_pct(py, 50):.2f} ms, "
          f"p99 {_pct(py, 99):.2f} ms; browser/kiosk p99 = {p99 / max(_pct(py, 99), 1e-6):.1f}×")
    print(f"files kept in {folder}" if args.keep else f"(temporary folder {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
