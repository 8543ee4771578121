"""The daily reminder e-mail, received by a real SMTP server (aiosmtpd on 127.0.0.1): Chinese
subject and body in UTF-8, once a day per recipient group even across a restart, a relay that is
down logged in Chinese and retried, located errors in mail.yaml, and the CLI."""

from __future__ import annotations

import datetime as dt
import email
import logging
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from signage.cli import main
from signage.office.reminder_mail import DailyReminder, MailSettingsError, load_settings, send_daily
from signage.requests import register as reg
from signage.requests.store import Register

UNITS = {"taixi": "台西区管理委员会", "gongshang": "县工商局"}
AT_NINE = dt.datetime(2026, 11, 27, 9, 0)  # Friday


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=default)  # type: ignore[attr-defined]
        self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[attr-defined]
        return "250 OK"

    def to(self, address: str) -> EmailMessage:
        return next(m for rcpt, m in self.messages if address in rcpt)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def settings_file(data: Path, port: int, **extra: str) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    path = data / "mail.yaml"
    path.write_text(f"smtp: {{host: 127.0.0.1, port: {port}}}\n"
                    "from: 县政务公开办公室 <gkb@county.test>\n"
                    "office: [gkb@county.test]\n"
                    "units:\n  taixi: [txq@county.test]\n"
                    + "".join(f"{k}: {v}\n" for k, v in extra.items()), "utf-8")
    return path


def filled(data: Path) -> Register:
    """Dates counted by hand on the 2026 schedule (国庆 10-01…10-07 off, Sat 10-10 worked)."""
    store = Register.in_folder(data)
    # received Wed 09-30: due 11-03; on Fri 11-27 overdue by 18 working days (11-04 … 11-27)
    store.add(reg.Request("taixi", dt.date(2026, 9, 30), "网络", "自然人", "特困供养名单", "张三"))
    # received Mon 11-02: due Mon 11-30; on 11-27 two working days left (27th and 30th)
    store.add(reg.Request("taixi", dt.date(2026, 11, 2), "信函", "商业企业",
                          "<script>alert(1)</script>招标文件"))
    # received Fri 10-09: 10-10 worked, due Thu 11-05; on 11-27 overdue by 16 working days
    store.add(reg.Request("gongshang", dt.date(2026, 10, 9), "当面", "自然人", "企业年报抽查结果", "李四"))
    # received 11-20: due 12-18, 16 working days left: on no list
    store.add(reg.Request("gongshang", dt.date(2026, 11, 20), "网络", "自然人", "登记名册"))
    answered = store.add(reg.Request("taixi", dt.date(2026, 9, 1), "网络", "自然人", "已答复的申请"))
    store.answer(answered.id, "予以公开", dt.date(2026, 9, 10))
    return store


def test_the_reminder_reaches_a_real_smtp_server_in_chinese_once_a_day(tmp_path: Path,
                                                                       smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    data = tmp_path / "data"
    settings_file(data, port)
    store = filled(data)
    settings = load_settings(data, set(UNITS))
    assert settings is not None

    assert send_daily(settings, store, UNITS, AT_NINE.replace(hour=7)).sent == []  # before 08:00
    outcome = send_daily(settings, store, UNITS, AT_NINE)
    assert outcome.sent == ["office", "taixi"] and not outcome.failed
    office, taixi = inbox.to("gkb@county.test"), inbox.to("txq@county.test")
    assert office["Subject"] == "依申请公开提醒（全县，2026-11-27）：2 件已逾期，1 件即将到期"
    assert taixi["Subject"] == "依申请公开提醒（台西区管理委员会，2026-11-27）：1 件已逾期，1 件即将到期"
    assert office["From"].addresses[0].display_name == "县政务公开办公室"
    body = office.get_content()
    assert office.get_content_charset() == "utf-8"
    lines = body.splitlines()
    overdue = lines.index("【已超过答复期限】2 件")
    assert lines[overdue + 1].startswith("  · 第 1 号  台西区管理委员会  收到 2026-09-30  期限 2026-11-03  "
                                         "已逾期 18 个工作日  特困供养名单")
    assert lines[overdue + 2].startswith("  · 第 3 号  县工商局  收到 2026-10-09  期限 2026-11-05  "
                                         "已逾期 16 个工作日")
    soon = lines.index("【5 个工作日内到期】1 件")
    assert lines[soon + 1].startswith("  · 第 2 号  台西区管理委员会  收到 2026-11-02  期限 2026-11-30  "
                                      "剩余 2 个工作日")
    assert "<script>alert(1)</script>招标文件" in lines[soon + 1]  # plain text: shown, never run
    assert "张三" not in body and "李四" not in body and "登记名册" not in body and "已答复" not in body
    assert "县工商局" not in taixi.get_content()  # a unit gets its own requests only

    assert send_daily(settings, store, UNITS, AT_NINE.replace(hour=15)).already == ["office", "taixi"]
    restarted = Register.in_folder(data)  # a new process: the record is in the register's file
    assert send_daily(settings, restarted, UNITS, AT_NINE.replace(hour=16)).sent == []
    assert len(inbox.messages) == 2
    monday = dt.datetime(2026, 11, 30, 8, 30)
    assert send_daily(settings, restarted, UNITS, monday).sent == ["office", "taixi"]
    # Monday's: 第 2 号 is due that very day (still due soon, 1 working day left), 第 1 号 overdue
    assert inbox.messages[-1][1]["Subject"] == ("依申请公开提醒（台西区管理委员会，2026-11-30）："
                                                "1 件已逾期，1 件即将到期")


def test_a_relay_that_is_down_is_logged_in_chinese_and_retried(tmp_path: Path, smtp: tuple[Inbox, int],
                                                               caplog: pytest.LogCaptureFixture) -> None:
    inbox, port = smtp
    data = tmp_path / "data"
    settings_file(data, free_port())  # nothing listens there
    store = filled(data)
    reminder = DailyReminder(data, lambda: UNITS, now=lambda: AT_NINE)
    with caplog.at_level(logging.WARNING):
        outcome = reminder.check()
    assert outcome is not None and outcome.sent == [] and len(outcome.failed) == 2
    assert "依申请公开提醒邮件未能发给全县（gkb@county.test）：邮件服务器 127.0.0.1:" in caplog.text
    assert "连接不上" in caplog.text and "稍后自动重试，登记簿和发布不受影响" in caplog.text
    assert not store.reminded(AT_NINE.date(), "office")
    settings_file(data, port)  # the relay is back (or the office fixed the port)
    outcome = reminder.check()
    assert outcome is not None and outcome.sent == ["office", "taixi"] and len(inbox.messages) == 2


def test_the_service_thread_sends_and_stops_at_once(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    data = tmp_path / "data"
    settings_file(data, port)
    filled(data)
    reminder = DailyReminder(data, lambda: UNITS, now=lambda: AT_NINE, interval=3600).start()
    try:
        for _ in range(200):
            if len(inbox.messages) == 2:
                break
            reminder._stop.wait(0.05)
    finally:
        began = dt.datetime.now()
        reminder.stop()
    assert len(inbox.messages) == 2
    assert (dt.datetime.now() - began).total_seconds() < 5 and not reminder._thread.is_alive()


def test_no_settings_no_mail_and_bad_settings_are_located(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert load_settings(data, set(UNITS)) is None
    path = settings_file(data, 2525)
    assert load_settings(data, set(UNITS)) is not None
    text = path.read_text("utf-8")
    for wrong, message in (
            (("taixi: [txq@county.test]", "nowhere: [x@county.test]"), "units.nowhere：没有这个单位"),
            (("port: 2525", "port: 邮件端口"), "smtp.port：“邮件端口”应为端口号"),
            (("[gkb@county.test]", "[gkb at county]"), "office：“gkb at county”不是电子邮件地址")):
        path.write_text(text.replace(*wrong), "utf-8")
        line = next(n for n, t in enumerate(path.read_text("utf-8").splitlines(), 1) if wrong[1] in t)
        with pytest.raises(MailSettingsError, match=f"mail.yaml:{line}：{message}"):
            load_settings(data, set(UNITS))


def test_cli_remind(tmp_path: Path, smtp: tuple[Inbox, int], repo_cwd: Path) -> None:
    inbox, port = smtp
    data = tmp_path / "data"
    runner = CliRunner()
    out = runner.invoke(main, ["requests", "remind", "--data", str(data)])
    assert out.exit_code != 0 and "没有配置提醒邮件" in out.output
    settings_file(data, port)
    filled(data)
    args = ["requests", "remind", "--now", "2026-11-27T09:00", "--data", str(data)]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    assert "已发送：政务公开办公室" in out.output and len(inbox.messages) == 2
    out = runner.invoke(main, args)
    assert "今天已发送过，不再重发" in out.output and len(inbox.messages) == 2
    out = runner.invoke(main, [*args, "--force"])
    assert len(inbox.messages) == 4, out.output
