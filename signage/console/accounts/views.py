"""Sign-in (throttled; a TOTP code second when the county requires it), sign-out."""

from __future__ import annotations

import datetime as dt

import pyotp
import segno
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from signage.console.accounts.models import LoginFailure
from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.security import OFFICE, REVIEWER
from signage.console.site import current

MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
PENDING_KEY = "pending-user"


def _address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]


def throttled(username: str, address: str) -> bool:
    since = timezone.now() - WINDOW
    recent = LoginFailure.objects.filter(time__gte=since)
    return (recent.filter(username=username).count() >= MAX_FAILURES
            or recent.filter(address=address).count() >= MAX_FAILURES * 4)


def two_factor_required(user: User) -> bool:
    role = getattr(getattr(user, "profile", None), "role", "")
    if role not in (OFFICE, REVIEWER):
        return False
    try:
        return bool(county_result(current()).catalogue.county.two_factor)
    except Exception:  # an unreadable content folder must not open the door: ask for the code
        return True


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts=None) else "/"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        if throttled(username, _address(request)):
            error = f"登录失败次数过多，请 {WINDOW.seconds // 60} 分钟后再试，或联系政务公开办重置密码。"
        else:
            user = authenticate(request, username=username, password=request.POST.get("password", ""))
            if user is None:
                LoginFailure.objects.create(username=username, address=_address(request))
                audit(None, "login-failed", f"user/{username}", actor=username)
                error = "用户名或密码不正确。"
            elif two_factor_required(user):
                request.session.cycle_key()
                request.session[PENDING_KEY] = user.pk
                return redirect(f"/login/code?next={_next(request)}")
            else:
                login(request, user)
                audit(request, "login", f"user/{username}")
                return redirect(_next(request))
    return render(request, "console/login.html", {"error": error, "next": _next(request)},
                  status=429 if error.startswith("登录失败次数") else 200)


@require_http_methods(["GET", "POST"])
def code_view(request: HttpRequest) -> HttpResponse:
    """The second step: a TOTP code (enrolling the authenticator app the first time)."""
    try:
        user = User.objects.select_related("profile").get(pk=request.session.get(PENDING_KEY))
    except User.DoesNotExist:
        return redirect("/login")
    profile = user.profile
    if not profile.totp_secret:
        profile.totp_secret = pyotp.random_base32()
        profile.save()
    error = ""
    if request.method == "POST":
        if throttled(user.username, _address(request)):
            error = "验证失败次数过多，请稍后再试。"
        elif pyotp.TOTP(profile.totp_secret).verify(request.POST.get("code", "").strip(), valid_window=1):
            profile.totp_confirmed = True
            profile.save()
            del request.session[PENDING_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            audit(request, "login", f"user/{user.username}", detail="含动态验证码")
            return redirect(_next(request))
        else:
            LoginFailure.objects.create(username=user.username, address=_address(request))
            error = "验证码不正确或已过期。"
    enrol = None
    if not profile.totp_confirmed:
        uri = pyotp.TOTP(profile.totp_secret).provisioning_uri(name=user.username,
                                                               issuer_name="政务公开工作台")
        enrol = {"qr": segno.make(uri, error="m").svg_data_uri(scale=4), "secret": profile.totp_secret}
    return render(request, "console/code.html", {"error": error, "enrol": enrol, "next": _next(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/login")
