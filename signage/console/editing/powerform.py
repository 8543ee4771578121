"""The power-item form: every field of docs/CONTENT.md as form text, and back into the record.

Only fields whose text changed are written, so an untouched field keeps its exact YAML. The
flowchart editor is a textarea (works without JavaScript): one step a line, ``名称 | 岗位 | 时限``,
and under a step its branches indented, ``条件 -> 目标步骤``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap

from signage.catalogue.vocab import CHANNELS, LEGACY_POWER_TYPES, POWER_TYPES
from signage.console.editing.documents import seq, set_field


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, area, lines, days, type, fee, steps, channels, phone
    help: str = ""
    max_length: int = 2000


FIELDS = (
    Field("name", "事项名称", max_length=200),
    Field("code", "事项编码", help="如 GSJ-XK-001", max_length=64),
    Field("type", "事项类型", "type"),
    Field("implementing_unit", "实施主体", help="留空则为本单位"),
    Field("department", "承办机构（办理部门）"),
    Field("legal_basis", "设定依据（法定依据）", "lines", "每行一条，写作《法规名称》第N条"),
    Field("statutory_days", "法定时限（工作日）", "days"),
    Field("promised_days", "承诺时限（工作日）", "days"),
    Field("fee_charged", "是否收费", "fee"),
    Field("fee_standard", "收费标准", "text"),
    Field("fee_basis", "收费依据", "text"),
    Field("materials", "申请材料", "lines", "每行一项"),
    Field("place", "办理地点"),
    Field("hours", "办理时间", help="留空则为单位的办公时间"),
    Field("conditions", "受理条件", "area"),
    Field("consult_phone", "咨询电话", "phone"),
    Field("supervision_phone", "监督电话", "phone", "留空则为单位的监督电话"),
    Field("channels", "发布渠道", "channels"),
    Field("flowchart", "办理流程（流程图）", "steps",
          "每行一个步骤：名称 | 岗位 | 时限（天）；分支写在步骤下一行，行首空两格：条件 -> 目标步骤",
          max_length=20000),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
TYPE_CHOICES = (*POWER_TYPES, *LEGACY_POWER_TYPES)
CHANNEL_CHOICES = tuple(CHANNELS)
CHANNEL_LABELS = tuple(CHANNELS.items())  # (value, 中文名) for the checkboxes
_BRANCH = re.compile(r"^\s*(?P<when>.+?)\s*(?:->|→|=>)\s*(?P<to>.+?)\s*$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value).strip()


def _fee(record: dict) -> tuple[str, str, str]:
    fee = record.get("fee")
    if fee is None:
        return "", "", ""
    if isinstance(fee, dict):
        charged = fee.get("charged")
        flag = "" if charged is None else ("是" if str(charged).lower() in ("true", "是", "yes") else "否")
        return flag, _text(fee.get("standard")), _text(fee.get("basis"))
    text = _text(fee)
    return ("否", "", "") if text in ("不收费", "否", "免费", "false", "no") else ("是", text, "")


def steps_text(flowchart: Any) -> str:
    steps = flowchart.get("steps") if isinstance(flowchart, dict) else flowchart
    if not isinstance(steps, list):
        return ""
    lines = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        parts = [_text(step.get("name")), _text(step.get("post")), _text(step.get("days"))]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
        lines += [f"  {_text(b.get('when'))} -> {_text(b.get('to'))}"
                  for b in step.get("branches") or [] if isinstance(b, dict)]
    return "\n".join(lines)


def initial(record: dict) -> dict[str, Any]:
    """The form's values for ``record`` (every one a string, channels a list)."""
    values: dict[str, Any] = {}
    charged, standard, basis = _fee(record)
    for spec in FIELDS:
        if spec.kind == "fee" or spec.name in ("fee_standard", "fee_basis"):
            continue
        raw = record.get(spec.name)
        if spec.kind == "channels":
            values[spec.name] = [str(c) for c in raw] if isinstance(raw, list) else []
        elif spec.kind == "steps":
            values[spec.name] = steps_text(raw)
        else:
            values[spec.name] = _text(raw)
    values.update(fee_charged=charged, fee_standard=standard, fee_basis=basis)
    values["flowchart_image"] = raw_image(record.get("flowchart"))
    return values


def raw_image(flowchart: Any) -> str:
    if isinstance(flowchart, str):
        return flowchart
    if isinstance(flowchart, dict) and flowchart.get("image"):
        return str(flowchart["image"])
    return ""


def from_post(post: Any) -> dict[str, Any]:
    """The submitted form as the same shape :func:`initial` gives (lines normalised)."""
    values: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.kind == "channels":
            values[spec.name] = [c for c in post.getlist(spec.name) if c in CHANNEL_CHOICES]
            continue
        text = str(post.get(spec.name, ""))[: spec.max_length].replace("\r\n", "\n")
        if spec.kind in ("lines",):
            text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
        elif spec.kind == "steps":
            text = "\n".join(line.rstrip() for line in text.split("\n") if line.strip())
        else:
            text = text.strip()
        values[spec.name] = text
    return values


def problems(values: dict[str, Any]) -> dict[str, str]:
    """Only what the form itself cannot write (the rules judge the rest, as `signage check` does)."""
    found = {}
    for name in ("statutory_days", "promised_days"):
        if values[name] and not values[name].isdigit():
            found[name] = "请填写工作日天数（数字），如 20；即办件填 0。"
    if not values["name"]:
        found["name"] = "事项名称不能为空。"
    if values["type"] and values["type"] not in TYPE_CHOICES:
        found["type"] = "请从列表中选择事项类型。"
    return found


def apply(record: CommentedMap, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Write the changed fields into ``record``; the names of the fields changed."""
    changed = []
    for spec in FIELDS:
        if spec.kind == "fee" or spec.name in ("fee_standard", "fee_basis"):
            continue
        if new[spec.name] == old[spec.name]:
            continue
        changed.append(spec.name)
        set_field(record, spec.name, _value(spec, new[spec.name], record.get(spec.name)))
    fee_names = ("fee_charged", "fee_standard", "fee_basis")
    if any(new[n] != old[n] for n in fee_names):
        changed.append("fee")
        set_field(record, "fee", _fee_value(new))
    return changed


def _value(spec: Field, text: Any, previous: Any) -> Any:
    if spec.kind == "channels":
        return seq(list(text), flow=True) if text else None
    if not text:
        return None
    if spec.kind == "lines":
        return seq(text.split("\n"))
    if spec.kind == "days":
        return int(text)
    if spec.kind == "steps":
        chart = previous if isinstance(previous, CommentedMap) else CommentedMap()
        chart["steps"] = parse_steps(text)
        return chart
    return text


def _fee_value(values: dict[str, Any]) -> CommentedMap | None:
    if not any(values[n] for n in ("fee_charged", "fee_standard", "fee_basis")):
        return None
    fee = CommentedMap()
    if values["fee_charged"]:
        fee["charged"] = values["fee_charged"] == "是"
    for name in ("standard", "basis"):
        if values[f"fee_{name}"]:
            fee[name] = values[f"fee_{name}"]
    return fee


def parse_steps(text: str) -> list[CommentedMap]:
    steps: list[CommentedMap] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line[:1] in (" ", "\t", "　") and steps:
            match = _BRANCH.match(line)
            if match:
                branches = steps[-1].setdefault("branches", seq([]))
                branches.append(CommentedMap(when=match["when"], to=match["to"]))
                continue
        parts = [p.strip() for p in line.strip().split("|")]
        step = CommentedMap(name=parts[0])
        if len(parts) > 1 and parts[1]:
            step["post"] = parts[1]
        if len(parts) > 2 and parts[2]:
            step["days"] = int(parts[2]) if parts[2].isdigit() else parts[2]
        steps.append(step)
    return seq(steps)
