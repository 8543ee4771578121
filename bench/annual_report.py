"""Benchmark: the annual report from a register of ``--requests`` requests (default 10,000).

Fills a register (fixed seed) across 2025 and 2026 for the sample county's units — channels,
applicant types, every outcome, extensions, carry-over both ways, 200 cases — then measures,
best of ``--runs``:

* baseline — reading the register's rows alone (``Register.requests()``): the floor;
* tables   — table 3 and 4 with the sum rule (``build_report``);
* report   — the county report as the CLI writes it: compose + HTML + XLSX + CSV + PDF;
* PDF before — the PDF as it was written until December 2026, in the same run: every face
  (regular, bold, the rare-character fallbacks) embedded up front, whether used or not.

Target: report ≤ 2 s. The ratio printed is report / baseline, in the same run.

    python bench/annual_report.py                  # 10,000 requests, best of 3
    python bench/annual_report.py --requests 100000 --runs 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from players.board import pdf as board_pdf  # noqa: E402
from players.board.canvas import Fonts  # noqa: E402
from signage.catalogue.loader import load_catalogue  # noqa: E402
from signage.office.annual_report.compose import compose_report  # noqa: E402
from signage.office.annual_report.pdf import write_report_pdf  # noqa: E402
from signage.office.annual_report.write import write_report  # noqa: E402
from signage.requests.annual import Figures, build_report  # noqa: E402
from signage.requests.register import Request  # noqa: E402
from signage.requests.store import Case, Register  # noqa: E402
from signage.requests.vocab import APPLICANTS, CASE_KINDS, CASE_RESULTS, CHANNELS, OUTCOMES  # noqa: E402
from signage.text.workdays import WorkCalendar  # noqa: E402


def fill(store: Register, units: list[str], count: int, rng: random.Random) -> None:
    calendar, start = WorkCalendar(), dt.date(2025, 1, 2)
    requests = []
    for n in range(count):
        received = start + dt.timedelta(days=rng.randrange(730))
        r = Request(rng.choice(units), received, rng.choice(CHANNELS), rng.choice(APPLICANTS),
                    f"申请内容 {n}")
        if rng.random() < 0.1:
            r.extended_on, r.extension_approver, r.extension_reason = received, "负责人", "需征询"
        if rng.random() < 0.92:
            r.answered = min(calendar.add(received, rng.randrange(1, 30)), dt.date(2027, 3, 1))
            r.outcome = rng.choice(OUTCOMES).key
        requests.append(r)
    store.add_many(requests)
    for _ in range(200):
        store.add_case(Case(rng.choice(units), 2026, rng.choice(CASE_KINDS), rng.choice(CASE_RESULTS)))


def pdf_before(composed, path: Path) -> None:
    """The old way: both CJK faces and every fallback font registered before drawing."""
    fonts, new_pdf = Fonts(), board_pdf._new_pdf

    def eager(document, fonts_):
        pdf = new_pdf(document, fonts_)
        for style, font in (("", fonts_.regular), ("B", fonts_.bold)):
            board_pdf._register(pdf, board_pdf.FAMILY, style, font)
        for number, font in enumerate(fonts_.fallbacks):
            board_pdf._register(pdf, f"{board_pdf.FALLBACK}{number}", "", font)
        return pdf

    board_pdf._new_pdf = eager
    try:
        write_report_pdf(composed, path, dt.date(2026, 12, 3), fonts)
    finally:
        board_pdf._new_pdf = new_pdf


def best(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    content = ROOT / "content"
    catalogue = load_catalogue(content).catalogue
    with tempfile.TemporaryDirectory() as tmp:
        store = Register.in_folder(Path(tmp))
        fill(store, list(catalogue.units), args.requests, random.Random(20))
        baseline = best(args.runs, store.requests)
        tables = best(args.runs, lambda: build_report(2026, "county", store.requests(), store.cases(),
                                                      Figures()))
        out = Path(tmp) / "out"
        report = best(args.runs, lambda: write_report(
            compose_report(catalogue, content, store, 2026, "county"), out, dt.date(2026, 12, 3), pdf=False))
        composed = compose_report(catalogue, content, store, 2026, "county")
        pdf = best(args.runs, lambda: write_report_pdf(composed, out / "r.pdf", dt.date(2026, 12, 3)))
        before = best(args.runs, lambda: pdf_before(composed, out / "before.pdf"))
    print(f"{args.requests:,} requests, 200 cases, best of {args.runs}")
    print(f"baseline (read the register)  {baseline * 1000:8.1f} ms")
    print(f"tables 3 and 4 + sum rule     {tables * 1000:8.1f} ms")
    print(f"county report: compose + HTML + XLSX + CSV  {report * 1000:8.1f} ms   target ≤ 2,000 ms   "
          f"{'met' if report <= 2 else 'MISSED'}   ratio to baseline {report / baseline:.1f}")
    print(f"its PDF before (two faces + fallbacks up front) {before * 1000:8.1f} ms")
    print(f"its PDF now (one face, fonts embedded on use)   {pdf * 1000:8.1f} ms   "
          f"{before / pdf:.1f} × faster")
    print(f"county report with the PDF  {(report + pdf) * 1000:8,.0f} ms   target ≤ 2,000 ms   "
          f"{'met' if report + pdf <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
