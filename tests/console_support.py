"""The console in-process for Django test-client tests: one database per test session, the
sample content copied fresh for every test, one account per role (and a second unit's clerk);
and for browser tests the same console on waitress in this process (``web``), with the helpers
every browser test uses (sign in, look: axe + screenshot, reach by keyboard)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_CONTENT, TODAY

__all__ = ["accounts", "console_data", "session_accounts", "site", "web"]  # the fixtures

PASSWORD = "Tai-an-2026-console"
ACCOUNTS = {"clerk": ("unit", "gongshang"), "other": ("unit", "jiaotong"),
            "reviewer": ("reviewer", ""), "office": ("office", "")}


# Screenshots of browser tests go to $CONSOLE_SHOTS when it is set (docs/console/ for the docs).
SHOTS = Path(os.environ["CONSOLE_SHOTS"]) if os.environ.get("CONSOLE_SHOTS") else None

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


# -- the console in a real browser -----------------------------------------------------------------

@pytest.fixture
def web(site: Any, accounts: dict, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The console on waitress (as `signage serve` runs it) on a free loopback port; its base URL
    without the trailing slash. Pages read the installed site per request, so a test may install
    another (published_site) after this starts."""
    from signage.console.server import WebServer

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    server = WebServer("127.0.0.1", 0).start()
    try:
        yield server.url.rstrip("/")
    finally:
        server.stop()


def login(page: Any, base: str, name: str) -> None:
    """Sign in through the real login form."""
    page.goto(base + "/login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def look(page: Any, name: str) -> None:
    """axe-core: no serious or critical violation; then a full-page screenshot when asked for."""
    from browser import serious_violations

    found = serious_violations(page)
    assert found == [], f"{name}: {found}"
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab (from where the focus is: the top of a page just loaded) until ``selector`` has
    the focus, at most ``limit`` times: keyboard users reach it in the page's own order."""
    target = page.locator(selector)
    assert target.count() == 1, f"{selector}: {target.count()} matches"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("node => node === document.activeElement"):
            return
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab")


def fits_at_200_percent(page: Any, url: str) -> None:
    """640 CSS px is a 1280-px screen at 200 % zoom: no horizontal scrolling of the page."""
    page.set_viewport_size({"width": 640, "height": 900})
    page.goto(url)
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{url}: {width[0]} px wide in a {width[1]} px window"
