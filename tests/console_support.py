"""The console in-process for Django test-client tests: one database per test session, the
sample content copied fresh for every test, one account per role (and a second unit's clerk)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_CONTENT, TODAY

__all__ = ["accounts", "console_data", "session_accounts", "site"]  # the fixtures

PASSWORD = "Tai-an-2026-console"
ACCOUNTS = {"clerk": ("unit", "gongshang"), "other": ("unit", "jiaotong"),
            "reviewer": ("reviewer", ""), "office": ("office", "")}


_made: dict[str, Any] = {}  # Django is set up once per process, whichever test module asks first


@pytest.fixture(scope="session")
def console_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from signage.console.setup import configure
    from signage.console.site import Site

    if "data" not in _made:
        _made["data"] = tmp_path_factory.mktemp("console-data")
        configure(Site(SAMPLE_CONTENT, _made["data"], today=lambda: TODAY))
    return _made["data"]


@pytest.fixture
def site(console_data: Path, tmp_path: Path) -> Any:
    """A fresh copy of the sample content, an empty database, the console's review key in county.yaml."""
    from signage.console.audit.models import AuditEntry
    from signage.console.review.seal import ensure_county_key
    from signage.console.site import Site, install
    from signage.requests.store import STORE_FILE

    for model in _resettable_models():
        model.objects.all().delete()  # QuerySet.delete: the test's reset, not the app's
    for suffix in ("", "-wal", "-shm"):  # the register's own SQLite file in the shared data folder
        (console_data / (STORE_FILE + suffix)).unlink(missing_ok=True)
    # the audit log refuses DELETE (database triggers): each test reads the entries after this one
    _made["audit_start"] = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    site = install(Site(content, console_data, today=lambda: TODAY))
    ensure_county_key(site)
    return site


def _resettable_models() -> list[Any]:
    """Every console model a test can fill: all but the accounts (made once per session) and the
    audit log (which refuses DELETE). New apps' models are reset without being listed here."""
    from django.apps import apps

    kept = {"accounts.Profile", "audit.AuditEntry"}
    return [model for model in apps.get_models()
            if model.__module__.startswith("signage.console.") and model._meta.label not in kept]


@pytest.fixture(scope="session")
def session_accounts(console_data: Path) -> dict[str, Any]:
    """Made once: argon2 is deliberately slow (Django's default cost), and tests sign in a lot."""
    from django.contrib.auth.models import User

    from signage.console.accounts.users import add_user

    # another test module importing these fixtures may have made them already in this process
    # (Django is configured once, so every module shares one database)
    return {name: User.objects.filter(username=name).first()
            or add_user(name, role, unit, PASSWORD, full_name=name.upper())
            for name, (role, unit) in ACCOUNTS.items()}


@pytest.fixture
def accounts(site: Any, session_accounts: dict[str, Any]) -> dict[str, Any]:
    return session_accounts


def audit_entries() -> Any:
    """The audit entries this test made (the log itself is never emptied)."""
    from signage.console.audit.models import AuditEntry

    return AuditEntry.objects.filter(id__gt=_made.get("audit_start", 0))


def client_for(name: str | None = None, *, csrf: bool = False) -> Any:
    """A test client, signed in through the real login form when ``name`` is given."""
    from django.test import Client

    client = Client(enforce_csrf_checks=csrf)
    if name:
        token = csrf_token(client, "/login") if csrf else ""
        response = client.post("/login", {"username": name, "password": PASSWORD,
                                          "csrfmiddlewaretoken": token})
        assert response.status_code == 302, response.content.decode()[:500]
    return client


def csrf_token(client: Any, url: str) -> str:
    page = client.get(url).content.decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has a CSRF token"
    return match.group(1)


def form_values(client: Any, url: str) -> dict[str, Any]:
    """The power form's current values, as a browser would submit them unchanged."""
    page = client.get(url).content.decode()
    values: dict[str, Any] = {}
    for name, value in re.findall(r'<input id="f-[^"]+" name="([^"]+)" value="([^"]*)"', page):
        values[name] = _unescape(value)
    for name, value in re.findall(r'<textarea id="f-[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = _unescape(value)
    for name, body in re.findall(r'<select id="f-[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r"<option selected>([^<]*)</option>", body)
        values[name] = _unescape(chosen.group(1)) if chosen else ""
    values["channels"] = re.findall(r'name="channels" value="([^"]+)" checked', page)
    values["version"] = re.search(r'name="version" value="([^"]+)"', page).group(1)
    return values


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)
