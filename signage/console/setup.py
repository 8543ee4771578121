"""Django configured in code (no settings module to find): SQLite in the data folder by default,
argon2 passwords, strict cookies, CSRF everywhere, the CSP middleware, our apps."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from signage.console.site import Site, install

SECRET_FILE = "console-secret.key"
DATABASE_FILE = "console.sqlite3"
UPLOAD_LIMIT = 5 * 1024 * 1024  # an office's power list is well under 1 MB
APPS = ["accounts", "audit", "editing", "review", "office", "rectification", "register"]


def secret_key(data_dir: Path) -> str:
    """The session-signing secret, made once per data folder, readable by its owner only."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def django_settings(data_dir: Path, *, tls: bool, hosts: list[str], database_url: str | None,
                    debug: bool = False) -> dict:
    here = Path(__file__).parent
    return {
        "DEBUG": debug,
        "SECRET_KEY": secret_key(data_dir),
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]", "testserver", *hosts],
        "CSRF_TRUSTED_ORIGINS": [f"https://{host}" for host in hosts],
        "INSTALLED_APPS": ["django.contrib.auth", "django.contrib.contenttypes",
                           "django.contrib.sessions", "django.contrib.messages",
                           *[f"signage.console.{app}" for app in APPS]],
        "MIDDLEWARE": [
            "signage.console.security.SecurityHeadersMiddleware",
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.contrib.messages.middleware.MessageMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": "signage.console.urls",
        "TEMPLATES": [{"BACKEND": "django.template.backends.django.DjangoTemplates",
                       "DIRS": [here / "templates"], "APP_DIRS": False,
                       "OPTIONS": {"autoescape": True, "context_processors": [
                           "django.template.context_processors.request",
                           "django.template.context_processors.csrf",
                           "django.contrib.auth.context_processors.auth",
                           "django.contrib.messages.context_processors.messages",
                           "signage.console.security.role_context",
                           "signage.console.register.reminders.banner"]}}],
        "DATABASES": {"default": _database(data_dir, database_url)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.Argon2PasswordHasher",
                             "django.contrib.auth.hashers.PBKDF2PasswordHasher"],
        "AUTH_PASSWORD_VALIDATORS": [
            {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
             "OPTIONS": {"min_length": 10}},
            {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
            {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
        ],
        "LOGIN_URL": "/login",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        "SESSION_COOKIE_SECURE": tls,
        "SESSION_COOKIE_AGE": 8 * 3600,  # one working day
        "SESSION_COOKIE_NAME": "__Host-session" if tls else "session",
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Strict",
        "CSRF_COOKIE_SECURE": tls,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if tls else None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_HSTS_SECONDS": 31536000 if tls else 0,
        "X_FRAME_OPTIONS": "DENY",
        "DATA_UPLOAD_MAX_MEMORY_SIZE": UPLOAD_LIMIT,
        "FILE_UPLOAD_MAX_MEMORY_SIZE": UPLOAD_LIMIT,
        "DATA_UPLOAD_MAX_NUMBER_FIELDS": 2000,
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Shanghai",
        "LANGUAGE_CODE": "zh-hans",
        "USE_I18N": True,
        "MESSAGE_STORAGE": "django.contrib.messages.storage.session.SessionStorage",
        "LOGGING_CONFIG": None,
    }


def _database(data_dir: Path, url: str | None) -> dict:
    """SQLite in the data folder; ``postgresql://`` or ``mysql://`` URLs for a county's server."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / DATABASE_FILE),
                "OPTIONS": {"timeout": 20}}
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    engines = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql",
               "sqlite": "sqlite3"}
    if parts.scheme not in engines:
        raise ValueError(f"数据库地址 {url!r}：只支持 sqlite:///、postgresql://、mysql://")
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parts.path}
    return {"ENGINE": f"django.db.backends.{engines[parts.scheme]}", "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""), "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "", "PORT": str(parts.port or "")}


def configure(site: Site, *, tls: bool = False, hosts: list[str] | None = None,
              database_url: str | None = None, migrate: bool = True) -> Site:
    """Set Django up once per process for ``site`` and bring the database schema up to date."""
    import django
    from django.conf import settings

    install(site)
    site.data_dir.mkdir(parents=True, exist_ok=True)
    if not settings.configured:
        settings.configure(**django_settings(site.data_dir, tls=tls, hosts=hosts or [],
                                             database_url=database_url))
        django.setup()
        from django.utils import translation

        translation.activate("zh-hans")  # Django's own messages (password rules …) in Chinese
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return site
