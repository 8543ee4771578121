"""A user's role and unit, their TOTP secret, and failed sign-ins (for throttling)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile")
    role = models.CharField(max_length=16)
    unit = models.CharField(max_length=64, blank=True)
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed = models.BooleanField(default=False)


class LoginFailure(models.Model):
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64)
    time = models.DateTimeField(auto_now_add=True, db_index=True)
