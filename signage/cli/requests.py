"""The register of disclosure requests (`signage requests add|list|answer|extend|case|import`) and
the annual report (`signage annual-report`). The register is the data folder's requests.sqlite3,
the same file the console uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from signage.catalogue.loader import load_catalogue
from signage.cli.common import (
    EXIT_ERRORS,
    content_argument,
    data_option,
    date_option,
    fail,
    main,
    table_console,
)
from signage.requests import register as reg
from signage.requests.store import Case, Register
from signage.requests.vocab import APPLICANTS, CASE_KINDS, CASE_RESULTS, CHANNELS, parse_outcome
from signage.text.workdays import WorkCalendar

content_option = click.option("--content", "content_dir", type=click.Path(path_type=Path, file_okay=False),
                              default=Path("content"), show_default=True, help="The content folder (units).")


def _units(content_dir: Path) -> dict[str, str]:
    """Unit id → name, from the content folder (a request names a unit that exists)."""
    if not (content_dir / "units").is_dir():
        fail(f"{content_dir} 下没有 units/ 文件夹：请用 --content 指定内容文件夹")
    return {uid: unit.display_name for uid, unit in load_catalogue(content_dir).catalogue.units.items()}


def _unit(content_dir: Path, unit: str) -> str:
    units = _units(content_dir)
    if unit not in units:
        fail(f"没有单位“{unit}”；可用：{'、'.join(units)}")
    return unit


@main.group("requests")
@date_option("--today", "Take this day as today: later dates are refused and the defaults of every "
                        "date option are this day (default: the system date).")
@click.pass_context
def requests_group(ctx: click.Context, today: dt.date | None) -> None:
    """依申请公开: the register of disclosure requests and their deadlines."""
    ctx.meta[_TODAY] = today


_TODAY = "signage.requests.today"


def _today() -> dt.date:
    """The group's --today, or the system date."""
    return click.get_current_context().meta.get(_TODAY) or dt.date.today()


def _register(data_dir: Path) -> Register:
    return Register.in_folder(data_dir, _today)


@requests_group.command("add")
@click.option("--unit", required=True, help="The unit that received the request (its folder name).")
@date_option("--received", "The day the request was received (default: today).")
@click.option("--channel", type=click.Choice(CHANNELS), required=True, help="申请方式.")
@click.option("--applicant", type=click.Choice(APPLICANTS), required=True,
              help="申请人类型: 自然人, or the kind of 法人或其他组织.")
@click.option("--subject", required=True, help="What is asked (申请内容).")
@click.option("--name", "applicant_name", default="",
              help="The applicant's name (kept in the register only).")
@content_option
@data_option
def add(unit: str, received: dt.date | None, channel: str, applicant: str, subject: str,
        applicant_name: str, content_dir: Path, data_dir: Path) -> None:
    """Register a request; prints its number and deadline."""
    request = reg.Request(_unit(content_dir, unit), received or _today(), channel, applicant, subject,
                          applicant_name, created_by="cli")
    try:
        request = _register(data_dir).add(request)
    except reg.RequestError as exc:
        fail(str(exc))
    calendar = WorkCalendar()
    click.echo(f"登记申请 {request.id}：{unit}，收到 {request.received}，"
               f"答复期限 {reg.deadline(request, calendar)}（20 个工作日）")
    warn_calendar(calendar)


@requests_group.command("list")
@click.option("--unit", default=None, help="Only this unit's requests.")
@click.option("--open", "open_only", is_flag=True, help="Only requests not yet answered.")
@date_option("--today", "Judge overdue and due-soon as on this date (default: today).")
@data_option
def list_(unit: str | None, open_only: bool, today: dt.date | None, data_dir: Path) -> None:
    """The register with each request's deadline and state."""
    today = today or _today()
    calendar = WorkCalendar()
    requests = _register(data_dir).requests([unit] if unit else None, open_only=open_only)
    table = Table("编号", "单位", "收到", "方式", "申请人", "申请内容", "期限", "状态", "办理结果", "答复")
    for r in requests:
        table.add_row(str(r.id), r.unit, str(r.received), r.channel, r.applicant, r.subject[:30],
                      "收到补正后计算" if r.awaiting_supplement else
                      str(reg.deadline(r, calendar)) + ("（已延期）" if r.extended_on else ""),
                      state_of(r, today, calendar), r.outcome, str(r.answered or ""))
    table_console().print(table)
    click.echo(f"共 {len(requests)} 件")
    warn_calendar(calendar)


def warn_calendar(calendar: WorkCalendar) -> None:
    """Say so when a deadline was counted in a year the holiday data does not cover (weekdays only)."""
    for note in calendar.notes():
        click.echo(f"注意：{note}", err=True)


def state_of(request: reg.Request, today: dt.date, calendar: WorkCalendar) -> str:
    if request.awaiting_supplement:
        return "待补正"
    if not request.open:
        return "按时答复" if reg.answered_in_time(request, calendar) else "逾期答复"
    if reg.overdue(request, today, calendar):
        return "已逾期"
    return "即将到期" if reg.due_soon(request, today, calendar) else "办理中"


@requests_group.command("answer")
@click.argument("request_id", type=int)
@click.option("--outcome", required=True, help="表三的办理结果，如 予以公开、不予公开/属于国家秘密。")
@date_option("--date", "The day the answer was given (default: today).")
@click.option("--note", default="", help="A note kept in the register.")
@data_option
def answer(request_id: int, outcome: str, date: dt.date | None, note: str, data_dir: Path) -> None:
    """Record the answer to a request."""
    try:
        chosen = parse_outcome(outcome)
        request = _register(data_dir).answer(request_id, chosen.key, date or _today(),
                                                      note=note)
    except ValueError as exc:
        fail(str(exc))
    calendar = WorkCalendar()
    in_time = reg.answered_in_time(request, calendar)
    click.echo(f"申请 {request.id} 已答复：{request.outcome}，{request.answered}"
               f"（{'按时' if in_time else '逾期'}，期限 {reg.deadline(request, calendar)}）")
    warn_calendar(calendar)


@requests_group.command("extend")
@click.argument("request_id", type=int)
@click.option("--approver", required=True, help="Who approved the extension (政府信息公开工作机构负责人).")
@click.option("--reason", required=True, help="Why (told to the applicant).")
@date_option("--date", "The day the extension was approved (default: today).")
@data_option
def extend(request_id: int, approver: str, reason: str, date: dt.date | None, data_dir: Path) -> None:
    """Extend a request's deadline once by 20 working days, with the approval record."""
    calendar = WorkCalendar()
    try:
        request = _register(data_dir).extend(request_id, date or _today(), approver, reason,
                                                      calendar)
    except reg.RequestError as exc:
        fail(str(exc))
    click.echo(f"申请 {request.id} 已延期（{approver} 批准）：新的答复期限 {reg.deadline(request, calendar)}")
    warn_calendar(calendar)


@requests_group.command("supplement")
@click.argument("request_id", type=int)
@date_option("--asked", "The day the applicant was asked to supplement (补正通知, within 7 working days).")
@date_option("--received", "The day the supplement was received: the 20 working days restart from it.")
@data_option
def supplement(request_id: int, asked: dt.date | None, received: dt.date | None, data_dir: Path) -> None:
    """补正 (条例第三十条): record the notice asking the applicant to supplement, then the day the
    supplement came in; the answer period runs from that day."""
    if bool(asked) == bool(received):
        fail("请指定 --asked 日期（发出补正通知）或 --received 日期（收到补正）之一")
    calendar, store = WorkCalendar(), _register(data_dir)
    try:
        if asked:
            request = store.ask_supplement(request_id, asked, calendar, by="cli")
        else:
            assert received is not None
            request = store.receive_supplement(request_id, received, by="cli")
    except reg.RequestError as exc:
        fail(str(exc))
    if asked:
        click.echo(f"申请 {request.id} 已要求补正（{asked}）：答复期限暂停，收到补正后重新计算")
    else:
        click.echo(f"申请 {request.id} 已收到补正（{received}）："
                   f"新的答复期限 {reg.deadline(request, calendar)}")
    warn_calendar(calendar)


@requests_group.command("edit")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why it is corrected (kept in the history).")
@click.option("--unit", default=None, help="The right unit.")
@date_option("--received", "The right day of receipt.")
@click.option("--channel", type=click.Choice(CHANNELS), default=None)
@click.option("--applicant", type=click.Choice(APPLICANTS), default=None)
@click.option("--subject", default=None)
@click.option("--name", "applicant_name", default=None)
@content_option
@data_option
def edit(request_id: int, reason: str, unit: str | None, received: dt.date | None, channel: str | None,
         applicant: str | None, subject: str | None, applicant_name: str | None, content_dir: Path,
         data_dir: Path) -> None:
    """Correct a wrongly entered request; old and new values and the reason go to its history."""
    changes = {k: v for k, v in {"unit": unit and _unit(content_dir, unit), "received": received,
                                 "channel": channel, "applicant": applicant, "subject": subject,
                                 "applicant_name": applicant_name}.items() if v is not None}
    if not changes:
        fail("没有要更正的内容：请给出 --received、--channel、--applicant、--subject、--name 或 --unit")
    try:
        request = _register(data_dir).edit(request_id, changes, reason=reason, by="cli")
    except reg.RequestError as exc:
        fail(str(exc))
    calendar = WorkCalendar()
    click.echo(f"申请 {request.id} 已更正：答复期限 {reg.deadline(request, calendar)}")
    warn_calendar(calendar)


@requests_group.command("void")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why (e.g. 重复登记).")
@data_option
def void(request_id: int, reason: str, data_dir: Path) -> None:
    """Void a request entered in error: kept with its history, counted in no list or report."""
    try:
        _register(data_dir).void(request_id, reason, by="cli")
    except reg.RequestError as exc:
        fail(str(exc))
    click.echo(f"申请 {request_id} 已作废：{reason}")


@requests_group.command("delete")
@click.argument("request_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the history).")
@data_option
def delete(request_id: int, reason: str, data_dir: Path) -> None:
    """Delete a request for good (the office; unit clerks void instead, in the console)."""
    try:
        request = _register(data_dir).delete(request_id, reason, by="cli")
    except reg.RequestError as exc:
        fail(str(exc))
    click.echo(f"申请 {request.id} 已删除（{request.unit}，收到 {request.received}）")


@requests_group.command("show")
@click.argument("request_id", type=int)
@data_option
def show(request_id: int, data_dir: Path) -> None:
    """One request, its deadline and the history of its changes."""
    store, calendar = _register(data_dir), WorkCalendar()
    history = store.history(request_id)
    try:
        r = store.get(request_id)
    except reg.RequestError as exc:
        if not history:
            fail(str(exc))
        r = None
    if r is not None:
        click.echo(f"申请 {r.id}：{r.unit}，收到 {r.received}（{r.channel}，{r.applicant}）：{r.subject}")
        state = "已作废：" + r.voided if r.voided else state_of(r, _today(), calendar)
        click.echo(f"答复期限 {reg.deadline(r, calendar)}，{state}")
    for at, by, action, detail in history:
        click.echo(f"  {at}  {by or '—'}  {action}  {detail}")
    warn_calendar(calendar)


@requests_group.command("case")
@click.option("--unit", required=True)
@click.option("--year", type=int, required=True, help="The year the case counts in (table 4).")
@click.option("--kind", type=click.Choice(CASE_KINDS), required=True)
@click.option("--result", type=click.Choice(CASE_RESULTS), required=True)
@click.option("--number", default="", help="The case number (案号).")
@content_option
@data_option
def case(unit: str, year: int, kind: str, result: str, number: str, content_dir: Path,
         data_dir: Path) -> None:
    """Record an administrative review or lawsuit about a disclosure decision (table 4)."""
    try:
        record = Case(_unit(content_dir, unit), year, kind, result, number, created_by="cli")
        added = _register(data_dir).add_case(record)
    except reg.RequestError as exc:
        fail(str(exc))
    click.echo(f"已登记案件 {added.id}：{unit} {year} 年 {kind} {result}")


@requests_group.command("import")
@click.argument("csv_path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@content_option
@data_option
def import_(csv_path: Path, content_dir: Path, data_dir: Path) -> None:
    """Import a register kept in a spreadsheet (CSV: 单位,收到日期,申请方式,申请人类型,申请内容,...)."""
    from signage.requests.importing import read_register_csv

    try:
        requests = read_register_csv(csv_path, set(_units(content_dir)), _today())
        count = _register(data_dir).add_many(requests)
    except reg.RequestError as exc:
        fail(str(exc))
    click.echo(f"已导入 {count} 件申请")


@requests_group.command("remind")
@click.option("--now", "now_text", default=None, metavar="YYYY-MM-DDTHH:MM",
              help="Send as at this time (default: now); before mail.yaml's `after` nothing is sent.")
@click.option("--force", is_flag=True, help="Send even if today's reminder went out already.")
@content_option
@data_option
def remind(now_text: str | None, force: bool, content_dir: Path, data_dir: Path) -> None:
    """E-mail today's reminder (overdue and due within 5 working days) as configured in the data
    folder's mail.yaml: once a day per recipient group; `signage serve` does this by itself."""
    from signage.office.reminder_mail import MailSettingsError, load_settings, send_daily, settings_path

    try:
        now = dt.datetime.fromisoformat(now_text) if now_text else dt.datetime.now()
    except ValueError:
        fail(f"--now “{now_text}”应为日期和时刻，例如 2026-11-27T09:00")
    names = _units(content_dir)
    try:
        settings = load_settings(data_dir, set(names))
    except MailSettingsError as exc:
        fail(str(exc))
    if settings is None:
        fail(f"没有配置提醒邮件：请在 {settings_path(data_dir)} 写明邮件服务器和收件人（docs/REQUESTS.md）")
    outcome = send_daily(settings, _register(data_dir), names, now, force=force)
    label = {"office": "政务公开办公室"} | names
    for group in outcome.sent:
        click.echo(f"已发送：{label.get(group, group)}")
    for group in outcome.already:
        click.echo(f"今天已发送过，不再重发：{label.get(group, group)}")
    for group in outcome.nothing:
        click.echo(f"没有逾期或即将到期的申请，未发送：{label.get(group, group)}")
    if not outcome.sent and not outcome.already and not outcome.nothing and not outcome.failed:
        click.echo(f"未到发送时刻（mail.yaml 的 after: {settings.after.strftime('%H:%M')}）")
    for line in outcome.failed:
        click.echo(line, err=True)
    if outcome.failed:
        raise SystemExit(EXIT_ERRORS)


def _check_year(year: int) -> None:
    first, now = reg.FIRST_DAY.year, _today().year
    if not first <= year <= now:
        fail(f"--year {year}：年度应在 {first} 年（条例施行）至今年（{now}）之间")


@main.command("annual-report")
@content_argument
@click.option("--year", type=int, required=True, help="The year reported on.")
@click.option("--unit", default=None, help="One unit's report (its folder name).")
@click.option("--county", is_flag=True, help="The county government's report (every unit's requests).")
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the PDF, HTML, XLSX and CSV files.")
@date_option("--date", "Date printed on the report (default: today).")
@click.option("--no-pdf", is_flag=True, help="Skip the PDF (no CJK font installed).")
@data_option
def annual_report(content_dir: Path, year: int, unit: str | None, county: bool, out_dir: Path,
                  date: dt.date | None, no_pdf: bool, data_dir: Path) -> None:
    """政府信息公开工作年度报告 in the official format (国办公开办函〔2021〕30号)."""
    from signage.office.annual_report.compose import COUNTY, compose_report
    from signage.office.annual_report.figures import FiguresError
    from signage.office.annual_report.write import write_report
    from signage.requests.annual import ReportRefused

    if bool(unit) == county:
        fail("请指定 --unit 单位 或 --county（二者选一）")
    _check_year(year)
    scope = COUNTY if county else _unit(content_dir, str(unit))
    catalogue = load_catalogue(content_dir).catalogue
    try:
        report = compose_report(catalogue, content_dir, _register(data_dir), year, scope)
    except ReportRefused as exc:
        fail(str(exc), EXIT_ERRORS)
    except FiguresError as exc:
        fail(str(exc))
    for path in write_report(report, out_dir, date or _today(), pdf=not no_pdf):
        click.echo(str(path))
