"""Working days for the assessment: the calendar lives in :mod:`signage.text.workdays`, shared with
the request register's deadlines (one place for the holiday rule)."""

from signage.text.workdays import CALENDAR_NAME, COVERED_YEARS, WorkCalendar

__all__ = ["CALENDAR_NAME", "COVERED_YEARS", "WorkCalendar"]
