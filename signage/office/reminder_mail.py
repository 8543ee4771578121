"""The daily reminder e-mail of the request register: overdue requests and those due within 5
working days, to the office (every unit's) and to each unit's own recipients (theirs).

Optional: configured in ``<data>/mail.yaml`` (not in content/: the relay's password is not
content, and content goes to the web column). Sent once per recipient group per day; what was
sent is kept in the register's SQLite file, so a restart does not send it again. A relay that is
down or refuses is logged in Chinese and tried again at the next check; it never stops the
publisher or the console.

```yaml
smtp: {host: mail.county.gov.cn, port: 587, starttls: true, username: gkb, password_file: /etc/signage/smtp}
from: 县政务公开办公室 <gkb@county.gov.cn>
office: [gkb@county.gov.cn]
units: {taixi: [txq@county.gov.cn]}
after: "08:00"      # not before this time of day
```
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from signage.catalogue.yamlsource import LocatedDict, read_yaml
from signage.requests import register as reg
from signage.requests.store import Register
from signage.text.workdays import WorkCalendar

SETTINGS_FILE = "mail.yaml"
OFFICE = "office"  # the office's recipient group: every unit's requests
CHECK_EVERY = 600.0  # seconds between checks of the running service (a wait, not a poll loop)
LOG = logging.getLogger(__name__)


class MailSettingsError(ValueError):
    """mail.yaml cannot be used as written: file:line, the field, what to do."""


@dataclass(slots=True)
class MailSettings:
    host: str
    sender: str
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = ""
    cafile: str = ""  # the relay's CA when it is not in the system's store
    office: list[str] = field(default_factory=list)
    units: dict[str, list[str]] = field(default_factory=dict)
    after: dt.time = dt.time(8, 0)

    def groups(self) -> dict[str, list[str]]:
        """Recipient group → addresses: ``office`` and each unit id."""
        groups = {OFFICE: self.office} if self.office else {}
        return groups | {unit: addresses for unit, addresses in self.units.items() if addresses}


def settings_path(data_dir: Path) -> Path:
    return data_dir / SETTINGS_FILE


def load_settings(data_dir: Path, units: set[str]) -> MailSettings | None:
    """The settings, or None when the data folder has no mail.yaml (e-mail is optional)."""
    path = settings_path(data_dir)
    if not path.exists():
        return None
    doc = read_yaml(path, str(path))
    if doc.findings or not isinstance(doc.data, LocatedDict):
        reason = "；".join(f.message for f in doc.findings) or "顶层应为映射（smtp:、from:、office:、units:）"
        raise MailSettingsError(f"{path}：无法读取：{reason}")
    return _Reader(str(path), units).settings(doc.data)


class _Reader:
    def __init__(self, display: str, units: set[str]) -> None:
        self.display, self.units = display, units

    def error(self, mapping: Any, key: str, where: str, message: str) -> MailSettingsError:
        line = mapping.line_of(key) if isinstance(mapping, LocatedDict) else 0
        return MailSettingsError(f"{self.display}:{line}：{where}{key}：{message}")

    def settings(self, data: LocatedDict) -> MailSettings:
        known = {"smtp", "from", "office", "units", "after"}
        for key in data:
            if key not in known:
                raise self.error(data, key, "", f"不认识的字段；可用：{'、'.join(sorted(known))}")
        smtp = data.get("smtp")
        if not isinstance(smtp, LocatedDict) or not str(smtp.get("host") or "").strip():
            raise self.error(data, "smtp", "", "请写明邮件服务器，例如 smtp: {host: mail.example.gov.cn, "
                                               "port: 587, starttls: true}")
        if "from" not in data:
            raise self.error(data, "from", "", "请写明发件人，例如 from: 县政务公开办公室 "
                                               "<gkb@example.gov.cn>")
        settings = MailSettings(host=str(smtp["host"]).strip(), sender=self.address(data, "from", ""))
        settings.port = self.port(smtp)
        settings.starttls = self.flag(smtp, "starttls")
        settings.username = str(smtp.get("username") or "")
        settings.password = self.password(smtp)
        settings.cafile = str(smtp.get("cafile") or "")
        settings.office = self.addresses(data, "office", "")
        units = data.get("units") or {}
        if not isinstance(units, dict):
            raise self.error(data, "units", "", "应为映射：单位编号: [收件地址, …]")
        for unit in units:
            if unit not in self.units:
                raise self.error(units, unit, "units.", "没有这个单位；单位编号即 content/units/ "
                                                        "下的文件夹名")
            settings.units[unit] = self.addresses(units, unit, "units.")
        if "after" in data:
            try:
                settings.after = dt.time.fromisoformat(str(data["after"]).strip())
            except ValueError:
                raise self.error(data, "after", "", f"“{data['after']}”应为时刻，例如 \"08:00\"") from None
        if not settings.groups():
            raise self.error(data, "office", "", "没有收件人：请填写 office: 或 units: 下的收件地址")
        return settings

    def port(self, smtp: LocatedDict) -> int:
        value = str(smtp.get("port", 25)).strip()  # the located reader keeps scalars as written
        if not value.isdigit() or not 0 < int(value) < 65536:
            raise self.error(smtp, "port", "smtp.", f"“{value}”应为端口号（1–65535，常用 25、587）")
        return int(value)

    def flag(self, smtp: LocatedDict, key: str) -> bool:
        value = str(smtp.get(key, "false")).strip().lower()
        if value not in ("true", "false", "yes", "no"):
            raise self.error(smtp, key, "smtp.", f"“{value}”应为 true 或 false")
        return value in ("true", "yes")

    def password(self, smtp: LocatedDict) -> str:
        if "password_file" not in smtp:
            return str(smtp.get("password") or "")
        try:
            return Path(str(smtp["password_file"])).read_text("utf-8").strip()
        except OSError as exc:
            raise self.error(smtp, "password_file", "smtp.", f"无法读取密码文件（{exc.strerror}）") from None

    def addresses(self, mapping: Any, key: str, where: str) -> list[str]:
        value = mapping.get(key) or []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise self.error(mapping, key, where, "应为收件地址的列表，例如 [gkb@example.gov.cn]")
        return [self.address({key: item}, key, where, mapping) for item in items]

    def address(self, mapping: Any, key: str, where: str, located: Any = None) -> str:
        text = str(mapping[key]).strip()
        addr = parseaddr(text)[1]
        if "\n" in text or "\r" in text or "@" not in addr or " " in addr:
            raise self.error(located if located is not None else mapping, key, where,
                             f"“{text}”不是电子邮件地址（例如 gkb@example.gov.cn 或 "
                             f"名称 <gkb@example.gov.cn>）")
        return text


# -- the message -------------------------------------------------------------------------------


def compose(settings: MailSettings, to: list[str], title: str, overdue: list[reg.Due], soon: list[reg.Due],
            today: dt.date, unit_names: dict[str, str], notes: list[str]) -> EmailMessage:
    """One plain-text UTF-8 message: what is overdue, what falls due soon, most urgent first. The
    applicant's name is never in it (personal data stays in the register)."""
    parts = ([f"{len(overdue)} 件已逾期"] if overdue else []) + ([f"{len(soon)} 件即将到期"] if soon else [])
    message = EmailMessage()
    message["Subject"] = f"依申请公开提醒（{title}，{today.isoformat()}）：{'，'.join(parts)}"
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain(settings.sender))
    lines = [f"{title}：截至 {today.isoformat()}，依申请公开登记簿中"]
    for heading, dues, word in (("已超过答复期限", overdue, "已逾期"), ("5 个工作日内到期", soon, "剩余")):
        if dues:
            lines += ["", f"【{heading}】{len(dues)} 件"]
            lines += [_line(due, word, unit_names) for due in dues]
    lines += ["", "请在答复期限内答复；确需延期的，经政府信息公开工作机构负责人同意后在登记簿中延期"
                  "（条例第三十三条，只可延长一次，最长 20 个工作日）。", *notes, "",
              "——此邮件由政务公开系统每日自动发送，请勿直接回复。"]
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def _line(due: reg.Due, word: str, unit_names: dict[str, str]) -> str:
    r = due.request
    subject = " ".join(r.subject.split())
    subject = subject if len(subject) <= 40 else subject[:40] + "…"
    return (f"  · 第 {r.id} 号  {unit_names.get(r.unit, r.unit)}  收到 {r.received.isoformat()}  "
            f"期限 {due.deadline.isoformat()}{'（已延期）' if r.extended_on else ''}  "
            f"{word} {due.days} 个工作日  {subject}")


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    try:
        return Address(addr_spec=address).domain or "localhost"
    except ValueError:
        return "localhost"


def send(settings: MailSettings, message: EmailMessage, timeout: float = 20.0) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context(cafile=settings.cafile or None))
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


# -- once a day ------------------------------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    sent: list[str] = field(default_factory=list)  # recipient groups sent to now
    already: list[str] = field(default_factory=list)  # sent earlier today
    nothing: list[str] = field(default_factory=list)  # nothing overdue or due soon
    failed: list[str] = field(default_factory=list)  # the Chinese log line of each failure


def send_daily(settings: MailSettings, register: Register, unit_names: dict[str, str], now: dt.datetime,
               *, force: bool = False) -> Outcome:
    """Today's reminder to every recipient group that has not had it yet (``force``: even so).
    Before ``settings.after`` nothing is sent. Failures are logged and returned, never raised."""
    outcome, today = Outcome(), now.date()
    if not force and now.time() < settings.after:
        return outcome
    calendar = WorkCalendar()
    requests = register.requests(open_only=True)
    for group, to in settings.groups().items():
        if not force and register.reminded(today, group):
            outcome.already.append(group)
            continue
        mine = requests if group == OFFICE else [r for r in requests if r.unit == group]
        overdue, soon = reg.due_lists(mine, today, calendar)
        if not overdue and not soon:
            outcome.nothing.append(group)
            continue
        title = "全县" if group == OFFICE else unit_names.get(group, group)
        message = compose(settings, to, title, overdue, soon, today, unit_names, calendar.notes())
        try:
            send(settings, message)
        except (OSError, smtplib.SMTPException, ssl.SSLError, ValueError) as exc:
            line = (f"依申请公开提醒邮件未能发给{title}（{'、'.join(to)}）：邮件服务器 {settings.host}:"
                    f"{settings.port} {_why(exc)}；稍后自动重试，登记簿和发布不受影响")
            LOG.warning(line)
            outcome.failed.append(line)
            continue
        register.mark_reminded(today, group, now)
        outcome.sent.append(group)
    return outcome


def _why(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "拒绝了用户名或密码（请核对 mail.yaml 的 smtp.username 和密码）"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "拒收收件地址（请核对 mail.yaml 的收件人）"
    if isinstance(exc, ssl.SSLError | smtplib.SMTPNotSupportedError):
        return f"加密连接（STARTTLS）失败：{exc}"
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException):
        return f"连接不上（{exc.strerror or exc}）"
    return f"出错：{exc}"


class DailyReminder:
    """The running service's reminder: a thread that waits (no polling cost) and checks every
    ``interval`` seconds whether today's reminders are due. Nothing it meets stops it."""

    def __init__(self, data_dir: Path, units: Callable[[], dict[str, str]],
                 now: Callable[[], dt.datetime] = dt.datetime.now, interval: float = CHECK_EVERY) -> None:
        self.data_dir, self.units, self.now, self.interval = data_dir, units, now, interval
        self._names: tuple[dt.date, dict[str, str]] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="request-reminder-mail", daemon=True)

    def start(self) -> DailyReminder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def check(self) -> Outcome | None:
        if not settings_path(self.data_dir).exists():  # not configured: costs one stat a check
            return None
        try:
            now = self.now()
            if self._names is None or self._names[0] != now.date():  # the catalogue read once a day
                self._names = (now.date(), self.units())
            names = self._names[1]
            settings = load_settings(self.data_dir, set(names))
            if settings is None:
                return None
            return send_daily(settings, Register.in_folder(self.data_dir), names, now)
        except MailSettingsError as exc:
            LOG.warning("依申请公开提醒邮件未发送：%s", exc)
        except Exception:  # a bug here must not take the service down with it
            LOG.exception("依申请公开提醒邮件检查出错（已跳过，稍后重试）")
        return None

    @classmethod
    @contextlib.contextmanager
    def running(cls, data_dir: Path, units: Callable[[], dict[str, str]],
                now: Callable[[], dt.datetime] = dt.datetime.now) -> Iterator[DailyReminder]:
        """For the duration of ``signage serve``."""
        reminder = cls(data_dir, units, now).start()
        try:
            yield reminder
        finally:
            reminder.stop()

    def _run(self) -> None:
        while True:
            self.check()
            if self._stop.wait(self.interval):
                return
