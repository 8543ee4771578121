"""Writing to the audit log (``record``) and reading it as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.http import HttpRequest

from signage.console.audit.models import AuditEntry

ACTIONS = {"save": "修改内容", "submit": "提交审查", "approve": "审查通过", "return": "退回修改",
           "import": "导入表格", "publish": "立即发布", "login": "登录", "login-failed": "登录失败",
           "user": "账号变更", "command": "屏幕命令", "review-key": "审查公钥",
           "rectify-issue": "下发整改意见书", "rectify-recheck": "整改复查", "rectify-close": "关闭整改",
           "request-add": "登记申请", "request-answer": "答复申请", "request-extend": "延期答复",
           "case-add": "登记复议诉讼", "annual-report": "生成年度报告"}
HEADER = ["时间", "账号", "角色", "操作", "对象", "修改前摘要", "修改后摘要", "说明"]


def record(request: HttpRequest | None, action: str, target: str, *, before: str = "",
           after: str = "", detail: str = "", actor: str = "", role: str = "") -> AuditEntry:
    if request is not None and request.user.is_authenticated:
        actor = actor or request.user.get_username()
        profile = getattr(request.user, "profile", None)
        role = role or (profile.role if profile else "")
    return AuditEntry.objects.create(actor=actor or "-", role=role, action=action, target=target,
                                     before=before, after=after, detail=detail[:4000])


def csv_rows(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The log as CSV, streamed (bounded memory), with a BOM so Excel reads the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for entry in entries:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([entry.time.isoformat(timespec="seconds"), _cell(entry.actor), entry.role,
                         ACTIONS.get(entry.action, entry.action), _cell(entry.target), entry.before,
                         entry.after, _cell(entry.detail)])
        yield buffer.getvalue()


def _cell(text: str) -> str:
    """No formula injection when the office opens the CSV in Excel."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
