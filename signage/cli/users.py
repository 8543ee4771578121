"""`signage users add|passwd|list`: the console's accounts (no account exists until made here)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from signage.cli.common import EXIT_ERRORS, data_option, fail, main, table_console

_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _accounts(data_dir: Path):
    from signage.console.setup import configure
    from signage.console.site import Site

    configure(Site(Path("content"), data_dir))
    from signage.console.accounts import users

    return users


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")


@main.group()
def users() -> None:
    """Accounts of the web console: office staff, reviewers, unit clerks."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["office", "reviewer", "unit"]), required=True)
@click.option("--unit", "unit_id", default="", help="The clerk's unit id (the folder under content/units).")
@click.option("--full-name", default="", help="Shown on pages and written as the reviewer's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@data_option
def users_add(name: str, role: str, unit_id: str, full_name: str, password_stdin: bool,
              data_dir: Path) -> None:
    """Create an account (the password is asked for, never shown)."""
    if unit_id and not _UNIT_ID.match(unit_id):
        fail(f"单位 ID {unit_id!r}：只能用小写字母、数字、- 和 _（即 content/units 下的目录名）")
    accounts = _accounts(data_dir)
    try:
        accounts.add_user(name, role, unit_id, _password(password_stdin), full_name)
    except accounts.AccountError as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"用户 {name} 已创建（{role}{'，单位 ' + unit_id if unit_id else ''}）")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@data_option
def users_passwd(name: str, password_stdin: bool, data_dir: Path) -> None:
    """Set a new password for an account."""
    accounts = _accounts(data_dir)
    try:
        accounts.set_password(name, _password(password_stdin))
    except accounts.AccountError as exc:
        fail(str(exc), EXIT_ERRORS)
    click.echo(f"用户 {name} 的密码已修改")


@users.command("list")
@data_option
def users_list(data_dir: Path) -> None:
    """Every account: name, role, unit, last sign-in."""
    from rich.table import Table

    table = Table("用户", "角色", "单位", "最近登录")
    for row in _accounts(data_dir).list_users():
        table.add_row(*row)
    table_console().print(table)
