"""Who may see what: the security headers on every response and the role checks on every view.

Every view is wrapped by :func:`role_required`; a unit clerk is confined to their own unit by
:func:`unit_allowed`, checked on the server for each request (an id changed in a URL is a 404).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

OFFICE, REVIEWER, UNIT = "office", "reviewer", "unit"
ROLES = {OFFICE: "政务公开办", REVIEWER: "保密审查人", UNIT: "单位填报员"}

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy (no inline script, nothing from another origin)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:  # a signed-in page is never cached
            response.setdefault("Cache-Control", "no-store")
        return response


def role_of(request: HttpRequest) -> str | None:
    user = request.user
    if not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


def unit_of(request: HttpRequest) -> str:
    profile = getattr(request.user, "profile", None)
    return profile.unit if profile else ""


def role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in, with one of ``roles``: else the login page (anonymous) or 403 (wrong role)."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            role = role_of(request)
            if role is None:
                return redirect(f"/login?next={request.path}")
            if role not in roles:
                from django.core.exceptions import PermissionDenied

                raise PermissionDenied(f"{ROLES.get(role, role)}无权访问此页面")
            return view(request, *args, **kwargs)

        return checked

    return wrap


def unit_allowed(request: HttpRequest, unit_id: str) -> None:
    """A unit clerk sees their own unit only (404, as if the others did not exist)."""
    if role_of(request) == UNIT and unit_of(request) != unit_id:
        raise Http404("没有这个单位")


def role_context(request: HttpRequest) -> dict[str, Any]:
    role = role_of(request)
    return {"role": role, "role_name": ROLES.get(role or "", ""), "my_unit": unit_of(request)
            if role else ""}
