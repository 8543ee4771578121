"""The notice (政府信息) and announcement (滚动公告) forms: every field of docs/CONTENT.md as form
text, and back into the record.

As with the power-item form, only fields whose text changed are written, so an untouched field
keeps its exact YAML. Attachments are one a line, ``标题 | files/文件名.pdf`` (the file lives in the
unit's folder; the page lists the files already there). The rules judge every value once saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from signage.catalogue.vocab import CHANNELS, DISCLOSURE_ATTRIBUTES, DOCUMENT_KINDS, LEGACY_DOCUMENT_KINDS
from signage.console.editing.documents import seq, set_field
from signage.console.editing.powerform import Field

YES, NO = "是", "否"
KINDS = (*DOCUMENT_KINDS, *LEGACY_DOCUMENT_KINDS)
DATE_HELP = "如 2026-09-18"


@dataclass(frozen=True, slots=True)
class Choice(Field):
    choices: tuple[str, ...] = ()


NOTICE_FIELDS: tuple[Field, ...] = (
    Field("title", "标题", max_length=300),
    Choice("kind", "文种", "select", choices=KINDS),
    Field("issuer", "发文机关"),
    Field("doc_number", "文号", help="如 台西管发〔2026〕15号：年份用〔〕，不写“第”，序号不加 0",
          max_length=64),
    Field("date", "成文日期", "date", DATE_HELP, max_length=32),
    Choice("disclosure", "公开属性", "select", help="只有“主动公开”的信息上屏",
           choices=DISCLOSURE_ATTRIBUTES),
    Field("classification", "密级", help="不涉密填“无”；其他任何密级都会阻止发布", max_length=32),
    Field("summary", "摘要", "area", max_length=2000),
    Field("body", "正文", "area", max_length=100_000),
    Field("attachments", "附件", "attachments",
          "每行一个：附件标题 | files/文件名.pdf（文件放在本单位文件夹内）", max_length=10_000),
    Field("channels", "发布渠道", "channels"),
    Field("valid_from", "有效期自", "date", DATE_HELP, max_length=32),
    Field("valid_until", "有效期至", "date", DATE_HELP, max_length=32),
)
ANNOUNCEMENT_FIELDS: tuple[Field, ...] = (
    Field("id", "编号", help="本单位内唯一，如 gongshang-2026-yuandan", max_length=100),
    Field("text", "公告内容", "area", max_length=2000),
    Choice("urgent", "紧急公告", "yesno", help="紧急公告排在最前，并打断 LED 屏的轮播", choices=(YES, NO)),
    Field("channels", "发布渠道", "channels"),
    Field("valid_from", "有效期自", "date", DATE_HELP, max_length=32),
    Field("valid_until", "有效期至", "date", DATE_HELP, max_length=32),
)


@dataclass(frozen=True, slots=True)
class Form:
    section: str
    noun: str  # what the page calls one record
    url: str  # the path segment: /unit/<id>/<url>/<key>/
    fields: tuple[Field, ...]
    required: tuple[str, ...]  # what the form itself needs to name the record


FORMS = {
    "notices": Form("notices", "政府信息", "notice", NOTICE_FIELDS, ("title",)),
    "announcements": Form("announcements", "公告", "announcement", ANNOUNCEMENT_FIELDS, ("id", "text")),
}
CHANNEL_CHOICES = tuple(CHANNELS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return str(value).strip()


def _yes_no(raw: Any) -> str:
    if raw is None:
        return ""
    return YES if str(raw).lower() in ("true", YES, "yes") else NO


def attachments_text(value: Any) -> str:
    if not isinstance(value, list):
        return ""
    lines = []
    for item in value:
        if isinstance(item, dict):
            lines.append(f"{_text(item.get('title'))} | {_text(item.get('file'))}")
        elif item is not None:
            lines.append(f" | {_text(item)}")
    return "\n".join(lines)


def initial(form: Form, record: dict) -> dict[str, Any]:
    """The form's values for ``record`` (every one a string, channels a list)."""
    values: dict[str, Any] = {}
    for spec in form.fields:
        raw = record.get(spec.name)
        if spec.kind == "channels":
            values[spec.name] = [str(c) for c in raw] if isinstance(raw, list) else []
        elif spec.kind == "attachments":
            values[spec.name] = attachments_text(raw)
        elif spec.kind == "yesno":
            values[spec.name] = _yes_no(raw)
        elif spec.kind == "area":
            values[spec.name] = "" if raw is None else str(raw).rstrip("\n")
        else:
            values[spec.name] = _text(raw)
    return values


def from_post(form: Form, post: Any) -> dict[str, Any]:
    """The submitted form in the shape :func:`initial` gives (lines normalised)."""
    values: dict[str, Any] = {}
    for spec in form.fields:
        if spec.kind == "channels":
            values[spec.name] = [c for c in post.getlist(spec.name) if c in CHANNEL_CHOICES]
            continue
        text = str(post.get(spec.name, ""))[: spec.max_length].replace("\r\n", "\n")
        if spec.kind == "attachments":
            text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        elif spec.kind == "area":
            text = text.rstrip()
        else:
            text = text.strip()
        values[spec.name] = text
    return values


def problems(form: Form, values: dict[str, Any]) -> dict[str, str]:
    """Only what the form itself cannot write (the rules judge the rest, as `signage check` does)."""
    found = {}
    labels = {f.name: f.label for f in form.fields}
    for name in form.required:
        if not values[name]:
            found[name] = f"{labels[name]}不能为空。"
    for spec in form.fields:
        if isinstance(spec, Choice) and values[spec.name] and values[spec.name] not in spec.choices:
            found[spec.name] = f"请从列表中选择{spec.label}。"
    for number, line in enumerate(values.get("attachments", "").split("\n"), 1):
        if line and ("|" not in line or not line.split("|", 1)[1].strip()):
            found["attachments"] = f"附件第 {number} 行缺少文件：写作“附件标题 | files/文件名.pdf”。"
    return found


def apply(form: Form, record: CommentedMap, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Write the changed fields into ``record``; the names of the fields changed."""
    changed = []
    for spec in form.fields:
        if new[spec.name] == old[spec.name]:
            continue
        changed.append(spec.name)
        set_field(record, spec.name, _value(spec, new[spec.name]))
    return changed


def _value(spec: Field, text: Any) -> Any:
    if spec.kind == "channels":
        return seq(list(text), flow=True) if text else None
    if not text:
        return None
    if spec.kind == "yesno":
        return text == YES
    if spec.kind == "attachments":
        return seq([_attachment(line) for line in text.split("\n")])
    if spec.kind == "area" and "\n" in text:
        from ruamel.yaml.scalarstring import LiteralScalarString

        return LiteralScalarString(text + "\n")
    return text


def _attachment(line: str) -> CommentedMap:
    title, _, file = line.partition("|")
    item = CommentedMap()
    if title.strip():
        item["title"] = title.strip()
    item["file"] = file.strip()
    return item


def unit_files(unit_folder: Path, limit: int = 200) -> list[str]:
    """The attachable files already in the unit's folder (relative paths), for the page's list."""
    found: list[str] = []
    for sub in ("files", "attachments"):
        folder = unit_folder / sub
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(unit_folder).as_posix())
                if len(found) >= limit:
                    return found
    return found
