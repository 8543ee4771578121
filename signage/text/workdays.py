"""Working days (工作日) as the State Council's holiday schedule defines them.

Deadlines in the assessment and of disclosure requests (条例第三十三条) are counted in working
days: national holidays are not, and the weekend days worked in exchange (调休) are. The
``chinese_calendar`` package carries the published schedule year by year; for a year it does not
cover yet (the schedule is announced each November), Monday to Friday is used and a note says so.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

CALENDAR_NAME = "chinese_calendar"
# The years the package has the State Council's schedule for (holidays and adjusted workdays).
COVERED_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)


class WorkCalendar:
    """Counts working days quickly: a running count over a range that grows as needed."""

    def __init__(self) -> None:
        self.uncovered_years: set[int] = set()
        self._origin: dt.date | None = None
        self._counts: list[int] = []  # _counts[i]: working days in (origin, origin + i]

    def is_workday(self, day: dt.date) -> bool:
        """The official calendar where the package knows the year; Monday–Friday beyond it."""
        if day.year in COVERED_YEARS:
            return bool(chinese_calendar.is_workday(day))
        self.uncovered_years.add(day.year)
        return day.weekday() < 5

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        if end <= start:
            return 0
        self._cover(start, end)
        return self._count(end) - self._count(start)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (the start day itself never counts, as in
        条例第三十三条 "自收到申请之日起" read with the rule that a period's first day is not counted)."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day, left = start, days
        while left:
            day += dt.timedelta(days=1)
            left -= self.is_workday(day)
        return day

    def notes(self) -> list[str]:
        """Why some counts are approximate (years the holiday schedule does not cover)."""
        if not self.uncovered_years:
            return []
        years = "、".join(str(y) for y in sorted(self.uncovered_years))
        return [f"{years} 年的法定节假日安排缺失（{CALENDAR_NAME} {chinese_calendar.__version__} 只收录到 "
                f"{COVERED_YEARS[-1]} 年）：这期间的工作日暂按周一至周五计算，未计节假日和调休，"
                f"期限可能有出入；"
                f"请升级 chinese-calendar（pip install -U chinese-calendar）后重新核对。"]

    def _cover(self, start: dt.date, end: dt.date) -> None:
        """Make the running count reach from ``start`` to ``end`` (restarting it earlier if needed)."""
        if self._origin is None or start < self._origin:
            last = end
            if self._origin is not None:
                last = max(end, self._origin + dt.timedelta(days=len(self._counts) - 1))
            self._origin, self._counts = start, [0]
            self._extend((last - start).days)
        else:
            self._extend((end - self._origin).days)

    def _count(self, day: dt.date) -> int:
        assert self._origin is not None
        return self._counts[(day - self._origin).days]

    def _extend(self, offset: int) -> None:
        assert self._origin is not None
        total = self._counts[-1]
        for i in range(len(self._counts), offset + 1):
            total += self.is_workday(self._origin + dt.timedelta(days=i))
            self._counts.append(total)
