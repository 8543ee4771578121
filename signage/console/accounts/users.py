"""Accounts made and changed from the command line (`signage users …`) and the demo."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from signage.console.accounts.models import Profile
from signage.console.audit.log import record
from signage.console.security import ROLES, UNIT


class AccountError(Exception):
    pass


def add_user(name: str, role: str, unit: str, password: str, full_name: str = "") -> User:
    if role not in ROLES:
        raise AccountError(f"角色“{role}”不存在：可用 {'、'.join(ROLES)}")
    if role == UNIT and not unit:
        raise AccountError("单位填报员须用 --unit 指定单位 ID（如 gongshang）")
    if User.objects.filter(username=name).exists():
        raise AccountError(f"用户“{name}”已存在；改密码用 signage users passwd {name}")
    _validate(password, name)
    with transaction.atomic():
        user = User.objects.create_user(name, password=password, first_name=full_name)
        Profile.objects.create(user=user, role=role, unit=unit if role == UNIT else unit or "")
        record(None, "user", f"user/{name}", actor="signage users", detail=f"创建账号：{role} {unit}")
    return user


def set_password(name: str, password: str) -> None:
    try:
        user = User.objects.get(username=name)
    except User.DoesNotExist:
        raise AccountError(f"没有用户“{name}”（signage users list 查看）") from None
    _validate(password, name)
    user.set_password(password)
    user.save()
    record(None, "user", f"user/{name}", actor="signage users", detail="修改密码")


def list_users() -> list[tuple[str, str, str, str]]:
    rows = []
    for user in User.objects.select_related("profile").order_by("username"):
        profile = getattr(user, "profile", None)
        rows.append((user.username, profile.role if profile else "", profile.unit if profile else "",
                     user.last_login.isoformat(timespec="minutes") if user.last_login else ""))
    return rows


def _validate(password: str, name: str) -> None:
    try:
        validate_password(password, User(username=name))
    except ValidationError as exc:
        raise AccountError("密码不符合要求：" + "；".join(exc.messages)) from None
