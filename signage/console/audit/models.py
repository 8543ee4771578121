"""One line of the audit log; rows are never changed or deleted through the application."""

from __future__ import annotations

from typing import Any

from django.db import models


class AuditEntry(models.Model):
    time = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    action = models.CharField(max_length=32)
    target = models.CharField(max_length=300)
    before = models.CharField(max_length=80, blank=True)  # digest before
    after = models.CharField(max_length=80, blank=True)  # digest after
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("the audit log is append-only")
