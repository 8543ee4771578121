"""Submissions for review, and each record's baseline (its last approved version)."""

from __future__ import annotations

from django.db import models

PENDING, APPROVED, RETURNED, SUPERSEDED = "pending", "approved", "returned", "superseded"
STATUS_NAMES = {PENDING: "待审查", APPROVED: "已通过", RETURNED: "已退回", SUPERSEDED: "已被新提交取代"}


class Baseline(models.Model):
    """What the diff compares with: the last version approved in the console, or (before any)
    the version the record had when the console first changed it."""

    unit = models.CharField(max_length=64)
    section = models.CharField(max_length=16)
    key = models.CharField(max_length=300)
    data = models.JSONField()
    digest = models.CharField(max_length=80)
    approved = models.BooleanField(default=False)
    time = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("unit", "section", "key")]


class Submission(models.Model):
    unit = models.CharField(max_length=64, db_index=True)
    section = models.CharField(max_length=16)
    key = models.CharField(max_length=300)
    file = models.CharField(max_length=300)
    digest = models.CharField(max_length=80)  # of the record as submitted
    data = models.JSONField()
    baseline = models.JSONField(null=True)
    baseline_approved = models.BooleanField(default=False)
    status = models.CharField(max_length=16, default=PENDING, db_index=True)
    submitted_by = models.CharField(max_length=150)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True)
    reason = models.TextField(blank=True)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)
