"""Loading a content folder into a :class:`~signage.catalogue.model.Catalogue`.

Layout::

    content/
      county.yaml              county: name, office, area code, code pattern …
      units/<unit-id>/
        unit.yaml              unit: the unit's own details, duties and rules
        *.yaml                 powers: / notices: / announcements: (any file names,
                               any sub-folders; a file-level review: applies to its items)
        images/…               flowchart images

One broken file never stops the rest: every problem becomes a located finding.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from signage.catalogue import schema, vocab
from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import Catalogue, County, Sourced, Unit
from signage.catalogue.rules import loading as rules
from signage.catalogue.yamlsource import LocatedDict, read_yaml

COUNTY_FILE = "county.yaml"
UNITS_DIR = "units"
YAML_SUFFIXES = (".yaml", ".yml")


class ContentError(Exception):
    """The content folder cannot be read at all (exit code 2)."""


@dataclass(slots=True)
class LoadResult:
    catalogue: Catalogue
    findings: list[Finding] = field(default_factory=list)
    files_read: int = 0
    files_failed: int = 0


def load_catalogue(root: Path | str) -> LoadResult:
    """Read every file below ``root``; raises ContentError only if nothing can be read."""
    root = Path(root)
    dirs = unit_dirs(root)
    result = load_county(root)
    for unit_dir in dirs:
        unit, unit_result = load_unit(root, unit_dir)
        result.catalogue.units[unit.id] = unit
        result.findings += unit_result.findings
        result.files_read += unit_result.files_read
        result.files_failed += unit_result.files_failed
    ensure_readable(root, result.files_read, result.files_failed)
    return result


def unit_dirs(root: Path) -> list[Path]:
    """The unit folders below ``root``; ContentError when there is no content folder at all."""
    if not root.is_dir():
        raise ContentError(f"内容目录不存在：{root}（content folder not found）")
    units_dir = root / UNITS_DIR
    dirs = sorted(p for p in units_dir.iterdir() if p.is_dir()) if units_dir.is_dir() else []
    if not dirs:
        raise ContentError(
            f"{root} 下没有单位目录：应为 {UNITS_DIR}/<单位ID>/unit.yaml（see docs/CONTENT.md）"
        )
    return dirs


def ensure_readable(root: Path, files_read: int, files_failed: int) -> None:
    if files_read and files_failed == files_read:
        raise ContentError(f"{root} 中的 {files_read} 个文件都无法读取")


def load_county(root: Path) -> LoadResult:
    """A result holding just the county settings (and their findings)."""
    result = LoadResult(Catalogue(root=str(root), county=County()))
    result.catalogue.county = _load_county(root, result)
    return result


def load_unit(root: Path, unit_dir: Path) -> tuple[Unit, LoadResult]:
    """One unit folder: its model and what reading it found."""
    result = LoadResult(Catalogue(root=str(root), county=County()))
    return _load_unit(root, unit_dir, result), result


def _add(result: LoadResult, unit_id: str | None, finding: Finding) -> None:
    finding.unit_id = unit_id
    result.findings.append(finding)


def _read(root: Path, path: Path, result: LoadResult, unit_id: str | None) -> LocatedDict | None:
    """A file's top-level mapping, with its reading problems recorded against ``unit_id``."""
    display = path.relative_to(root).as_posix()
    doc = read_yaml(path, display)
    result.files_read += 1
    for finding in doc.findings:
        _add(result, unit_id, finding)
    if doc.data is None:
        result.files_failed += 1
        return None
    if not isinstance(doc.data, LocatedDict):
        _add(result, unit_id, rules.WRONG_SHAPE.finding(
            Location(display, 1), key=display, expected="以字段开头的键值对（如 powers:）",
            actual="列表" if isinstance(doc.data, list) else "文字"))
        result.files_failed += 1
        return None
    return doc.data


def _load_county(root: Path, result: LoadResult) -> County:
    path = root / COUNTY_FILE
    if not path.exists():
        _add(result, None, rules.UNIT_FOLDER.finding(
            Location(COUNTY_FILE), problem="缺少县级设置文件 county.yaml。",
            advice="新建 county.yaml，填写 county: name、office、area_code 等（见 docs/CONTENT.md）。"))
        return County(location=Location(COUNTY_FILE))
    data = _read(root, path, result, None)
    if data is None:
        return County(location=Location(COUNTY_FILE))
    builder = schema.Builder(COUNTY_FILE)
    for key in data:
        if key != "county":
            builder.unknown_field(key, {"county": schema.text}, data.line_of(key))
    county = schema.build_county(builder, data.get("county"), data.line_of("county"))
    for finding in builder.findings:
        _add(result, None, finding)
    return county or County(location=Location(COUNTY_FILE))


def _load_unit(root: Path, unit_dir: Path, result: LoadResult) -> Unit:
    folder = unit_dir.relative_to(root).as_posix()
    files = sorted(p for p in unit_dir.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    parsed = [(p, _read(root, p, result, unit_dir.name)) for p in files]
    sections = [(p, data) for p, data in parsed if data is not None]

    unit = _build_unit_section(root, unit_dir, sections, result)
    unit.folder = folder
    for path, data in sections:
        display = path.relative_to(root).as_posix()
        builder = schema.Builder(display)
        if "review" in data:
            builder.default_review = schema.review(
                builder, data["review"], "review", data.line_of("review"))
        built: list[Sourced] = []
        for key, value in data.items():
            if key in schema.SECTIONS:
                objects = schema.build_list(builder, key, value, data.line_of(key))
                getattr(unit, key).extend(objects)
                built += objects
            elif key not in schema.FILE_KEYS:
                builder.unknown_field(key, dict.fromkeys(schema.FILE_KEYS, schema.text),
                                      data.line_of(key))
        for finding in builder.findings:
            _add(result, unit.id, finding)
        file_findings = [f for f in result.findings if f.location.file == display]
        _attribute_to_items(file_findings, built, [line for line, _ in data.lines.values()])
    _inherit_unit_defaults(unit)
    return unit


def _attribute_to_items(findings: list[Finding], items: list[Sourced], section_lines: list[int]) -> None:
    """Give reading problems (duplicate keys …) inside an item's lines that item as subject,
    so they hold back that item only."""
    starts = sorted({obj.location.line or 0 for obj in items} | set(section_lines))
    by_start = {obj.location.line: obj for obj in items}
    for finding in findings:
        line = finding.location.line
        if finding.subject is not None or line is None:
            continue
        index = bisect.bisect_right(starts, line) - 1
        owner = by_start.get(starts[index]) if index >= 0 else None
        if owner is not None:
            finding.subject = owner.key  # type: ignore[attr-defined]


def _build_unit_section(
    root: Path, unit_dir: Path, sections: list[tuple[Path, LocatedDict]], result: LoadResult
) -> Unit:
    """The unit's own record from the one ``unit:`` section among its files."""
    folder_id = unit_dir.name
    found = [(p, d) for p, d in sections if "unit" in d]
    if not found:
        display = (unit_dir / "unit.yaml").relative_to(root).as_posix()
        _add(result, folder_id, rules.UNIT_FOLDER.finding(
            Location(display), problem=f"单位目录 {folder_id} 中没有 unit: 单位信息。",
            advice="在该目录新建 unit.yaml，填写 unit: id、name、监督电话等（见 docs/CONTENT.md）。"))
        return Unit(id=folder_id, location=Location(display))
    path, data = found[0]
    display = path.relative_to(root).as_posix()
    for extra_path, extra in found[1:]:
        _add(result, folder_id, rules.UNIT_FOLDER.finding(
            Location(extra_path.relative_to(root).as_posix(), extra.line_of("unit")),
            "unit", problem=f"单位信息 unit: 出现了多次（已使用 {display}）。",
            advice="每个单位只保留一个 unit: 段落。"))
    builder = schema.Builder(display)
    unit = schema.build_unit(builder, data["unit"], data.line_of("unit"))
    for finding in builder.findings:
        _add(result, folder_id, finding)
    if unit is None:
        return Unit(id=folder_id, location=Location(display, data.line_of("unit")))
    if not unit.id:
        unit.id = folder_id
    elif unit.id != folder_id:
        _add(result, folder_id, rules.UNIT_FOLDER.finding(
            unit.where("id"), "id",
            problem=f"单位 ID“{unit.id}”与目录名“{folder_id}”不一致。",
            advice=f"将 id 改为“{folder_id}”，或将目录改名为“{unit.id}”。"))
        unit.id = folder_id
    return unit


def _inherit_unit_defaults(unit: Unit) -> None:
    """Items default to their unit's name, hours and telephones; legacy names map to current."""
    for item in unit.powers:
        item.unit_id = unit.id
        item.type_declared = item.type
        item.type = vocab.canonical_power_type(item.type) or ""
        item.implementing_unit = item.implementing_unit or unit.name
        item.supervision_phone = item.supervision_phone or unit.supervision_phone
        item.consult_phone = item.consult_phone or unit.consult_phone
        item.hours = item.hours or unit.hours
    for notice in unit.notices:
        notice.unit_id = unit.id
        notice.kind_declared = notice.kind
        notice.kind = vocab.canonical_document_kind(notice.kind) or ""
    for announcement in unit.announcements:
        announcement.unit_id = unit.id
