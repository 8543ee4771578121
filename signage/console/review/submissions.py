"""Submitting a record for review, the field-level diff a reviewer sees, approving and returning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from signage.console.editing import checks, documents, records
from signage.console.review.models import APPROVED, PENDING, RETURNED, SUPERSEDED, Baseline, Submission
from signage.console.review.seal import ensure_county_key, sealed_review
from signage.console.site import Site

LABELS = {"name": "事项名称", "code": "事项编码", "type": "事项类型", "implementing_unit": "实施主体",
          "department": "承办机构", "legal_basis": "设定依据", "statutory_days": "法定时限",
          "promised_days": "承诺时限", "fee": "收费", "materials": "申请材料", "place": "办理地点",
          "hours": "办理时间", "conditions": "受理条件", "flowchart": "办理流程",
          "consult_phone": "咨询电话", "supervision_phone": "监督电话", "channels": "发布渠道",
          "valid_from": "有效期自", "valid_until": "有效期至", "updated": "更新日期",
          "title": "标题", "kind": "文种", "issuer": "发文机关", "doc_number": "文号", "date": "成文日期",
          "disclosure": "公开属性", "summary": "摘要", "body": "正文", "text": "内容", "urgent": "紧急"}


class ReviewError(Exception):
    pass


def _content(record: Any) -> dict:
    data = documents.plain(record)
    data.pop("review", None)
    return data


def remember_baseline(unit: str, section: str, key: str, record: Any, digest: str) -> None:
    """Before the console first changes a record, keep what it was (the diff's "old")."""
    Baseline.objects.get_or_create(unit=unit, section=section, key=key,
                                   defaults={"data": _content(record), "digest": digest})


def submit(row: records.Row, record: Any, user: str) -> Submission:
    unit, section, key = row.obj.unit_id, row.section, row.key
    baseline = Baseline.objects.filter(unit=unit, section=section, key=key).first()
    with transaction.atomic():
        Submission.objects.filter(unit=unit, section=section, key=key, status=PENDING).update(
            status=SUPERSEDED)
        return Submission.objects.create(
            unit=unit, section=section, key=key, file=row.obj.location.file,
            digest=row.obj.content_digest, data=_content(record),
            baseline=baseline.data if baseline else None,
            baseline_approved=bool(baseline and baseline.approved), submitted_by=user)


def flatten(value: Any, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            return {prefix: "\n".join("" if v is None else str(v) for v in value)}
        out = {}
        for index, inner in enumerate(value):
            out.update(flatten(inner, f"{prefix}[{index + 1}]"))
        return out
    return {prefix: "" if value is None else str(value)}


def diff(submission: Submission) -> list[tuple[str, str, str, str]]:
    """(field, label, old, new) of every field that differs from the baseline."""
    old = flatten(submission.baseline or {})
    new = flatten(submission.data)
    rows = []
    for name in dict.fromkeys([*new, *old]):
        if old.get(name, "") != new.get(name, ""):
            top = name.split(".")[0].split("[")[0]
            rows.append((name, LABELS.get(top, top), old.get(name, ""), new.get(name, "")))
    return rows


def approve(site: Site, submission: Submission, account: str, reviewer: str, note: str = "") -> str:
    """Seal the record's current content if it is still what was submitted; the digest sealed."""
    if submission.status != PENDING:
        raise ReviewError(f"这项提交{submission.status_name}，不能再审查。")
    row = records.find(site, submission.unit, submission.section, submission.key)  # redone on any change
    if row.obj.content_digest != submission.digest:
        submission.status = SUPERSEDED
        submission.save()
        raise ReviewError("提交之后内容又被修改过，本次提交已作废：请等单位重新提交后再审查。")
    ensure_county_key(site)  # the first seal makes the county trust this console's key
    document = documents.load_for_edit(site.content_dir / row.obj.location.file, submission.section,
                                       submission.key)
    record = documents.find(document, submission.section, submission.key)
    documents.set_field(record, "review", sealed_review(site, account, reviewer, submission.digest,
                                                        note=note))
    documents.save(document, document.version)
    checks.written(site, submission.unit)  # the publisher checks and publishes it at once
    with transaction.atomic():
        submission.status = APPROVED
        submission.decided_by = account
        submission.decided_at = dt.datetime.now(dt.UTC)
        submission.save()
        Baseline.objects.update_or_create(
            unit=submission.unit, section=submission.section, key=submission.key,
            defaults={"data": submission.data, "digest": submission.digest, "approved": True})
    return submission.digest


def return_submission(submission: Submission, account: str, reason: str) -> None:
    if submission.status != PENDING:
        raise ReviewError(f"这项提交{submission.status_name}，不能退回。")
    if not reason.strip():
        raise ReviewError("退回须写明原因，便于单位修改。")
    submission.status = RETURNED
    submission.decided_by = account
    submission.decided_at = dt.datetime.now(dt.UTC)
    submission.reason = reason.strip()[:2000]
    submission.save()
