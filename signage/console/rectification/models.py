"""One 整改意见书: what the office found in a unit, by when it must be fixed, what a re-check found."""

from __future__ import annotations

from django.db import models

OPEN, CLOSED = "open", "closed"
STATUS_NAMES = {OPEN: "整改中", CLOSED: "已关闭"}


class Rectification(models.Model):
    unit = models.CharField(max_length=64, db_index=True)
    unit_name = models.CharField(max_length=200)
    doc_number = models.CharField(max_length=64, unique=True)  # e.g. 台安公开整改〔2026〕3号
    year = models.IntegerField()
    serial = models.IntegerField()
    issued_by = models.CharField(max_length=150)
    issued_at = models.DateTimeField(auto_now_add=True)
    issue_date = models.DateField()  # the date printed on the notice
    deadline = models.DateField()
    findings = models.JSONField()  # what the notice lists (Finding.to_dict of each)
    error_count = models.IntegerField(default=0)
    pdf = models.BinaryField()
    status = models.CharField(max_length=16, default=OPEN, db_index=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.CharField(max_length=150, blank=True)
    remaining = models.JSONField(null=True, blank=True)  # the notice's findings a re-check still found
    new_findings = models.IntegerField(default=0)  # found by the re-check but not in the notice
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["year", "serial"], name="one-serial-a-year")]

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def remaining_errors(self) -> int:
        return sum(1 for f in self.remaining or [] if f.get("severity") == "error")

    @property
    def checked_clean(self) -> bool:
        """The last re-check found none of the notice's errors (warnings are advice: they may stay)."""
        return self.checked_at is not None and not self.remaining_errors
