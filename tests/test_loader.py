"""Bad loader input gets a located error while everything else still loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import NOTICE, POWER, TODAY, dump, patched

from signage.catalogue.checking import check_content
from signage.catalogue.loader import ContentError, load_catalogue


def _ids(result) -> list[str]:
    return [f.rule.id for f in result.findings]


def test_broken_file_does_not_stop_the_rest(content) -> None:
    second = patched(POWER, {"code": "CSJ-XK-002", "name": "乡村建设规划许可证核发"})
    root = content.write(files={
        "units/demo/broken.yaml": "powers:\n  - name: 甲\n     code: x\n",
        "units/demo/more.yaml": dump({"powers": [second]}),
    })
    result = check_content(root, today=TODAY)
    syntax = [f for f in result.findings if f.rule.id == "GK-LOAD-004"]
    assert len(syntax) == 1
    assert syntax[0].location.file == "units/demo/broken.yaml"
    assert (syntax[0].location.line, syntax[0].location.column) == (3, 10)
    codes = [item.code for item in result.catalogue.powers()]
    assert sorted(codes) == ["CSJ-XK-001", "CSJ-XK-002"]
    assert len(result.catalogue.units["demo"].notices) == 1


def test_location_is_printed_as_file_line_column(content) -> None:
    root = content.write(files={"units/demo/broken.yaml": "powers: [\n"})
    finding = next(f for f in check_content(root, today=TODAY).findings
                   if f.rule.id == "GK-LOAD-004")
    assert str(finding.location).startswith("units/demo/broken.yaml:2:")


def test_utf8_bom_is_read_silently(content) -> None:
    text = "\ufeff" + dump({"notices": [patched(NOTICE, {"doc_number": "台测发〔2026〕13号"})]})
    root = content.write(notices=[], files={"units/demo/bom.yaml": text.encode("utf-8")})
    result = check_content(root, today=TODAY)
    assert result.findings == []
    assert result.catalogue.units["demo"].notices[0].title == NOTICE["title"]


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_file_is_read_with_a_warning(content, codec: str) -> None:
    data = dump({"notices": [NOTICE]}).encode(codec)
    root = content.write(notices=[], files={"units/demo/gbk.yaml": data})
    result = check_content(root, today=TODAY)
    assert _ids(result) == ["GK-LOAD-003"]
    assert result.findings[0].severity.value == "warning"
    assert result.catalogue.units["demo"].notices[0].title == NOTICE["title"]


def test_undecodable_file_names_the_line(content) -> None:
    root = content.write(files={"units/demo/bad.yaml": b"notices: []\n# ok\nx: \xff\xfe\x80\n"})
    finding = next(f for f in check_content(root, today=TODAY).findings
                   if f.rule.id == "GK-LOAD-002")
    assert finding.location.line == 3


def test_duplicate_key_names_both_lines(content) -> None:
    text = "powers:\n  - name: 甲\n    code: CSJ-XK-009\n    name: 乙\n"
    root = content.write(files={"units/demo/dup.yaml": text})
    finding = next(f for f in check_content(root, today=TODAY).findings
                   if f.rule.id == "GK-LOAD-005")
    assert finding.location.line == 4
    assert "第 2 行" in finding.message
    assert finding.subject == "CSJ-XK-009"  # the item is held back, not the file


@pytest.mark.parametrize(("written", "suggested"), [
    ("legal_bais", "legal_basis"), ("事项名称", "name"), ("supervison_phone", "supervision_phone"),
])
def test_unknown_field_suggests_the_nearest(check, written: str, suggested: str) -> None:
    result = check(powers=[{**POWER, written: "x"}])
    finding = next(f for f in result.findings if f.rule.id == "GK-LOAD-007")
    assert f"“{suggested}”" in finding.message
    assert finding.field == written
    assert finding.location.line is not None


def test_values_keep_the_text_the_unit_typed(check) -> None:
    root_text = dump({"powers": [patched(POWER, {"name": "no"})]})
    result = check(powers=[], files={"units/demo/p.yaml": root_text.replace(
        "'0412-4822310'", "0412-4822310")})
    item = result.catalogue.units["demo"].powers[0]
    assert item.name == "no"  # YAML 1.1 would have made this False
    assert item.statutory_days == 20


def test_unquoted_numbers_and_dates_are_read_as_text(content) -> None:
    text = (
        "powers:\n  - name: 测试\n    code: CSJ-XK-003\n    consult_phone: 04124822301\n"
        "    updated: 2026-10-12\n    statutory_days: 20\n"
    )
    root = content.write(files={"units/demo/p.yaml": text})
    item = next(i for i in load_catalogue(root).catalogue.powers() if i.code == "CSJ-XK-003")
    assert item.consult_phone == "04124822301"
    assert item.updated.isoformat() == "2026-10-12"


@pytest.mark.parametrize("text", ["", "# 只有注释\n", "---\n"])
def test_empty_files_load_nothing(content, text: str) -> None:
    root = content.write(files={"units/demo/empty.yaml": text})
    assert check_content(root, today=TODAY).findings == []


def test_top_level_list_is_a_shape_error(content) -> None:
    root = content.write(files={"units/demo/list.yaml": "- name: 甲\n"})
    finding = next(f for f in check_content(root, today=TODAY).findings
                   if f.rule.id == "GK-LOAD-008")
    assert finding.location.file == "units/demo/list.yaml"


def test_deep_nesting_is_an_error_not_a_crash(content) -> None:
    root = content.write(files={"units/demo/deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"})
    ids = _ids(check_content(root, today=TODAY))
    assert "GK-LOAD-004" in ids or "GK-LOAD-007" in ids


def test_missing_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="不存在"):
        load_catalogue(tmp_path / "nowhere")


def test_folder_without_units_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "county.yaml").write_text("county: {name: 台安县}\n", "utf-8")
    with pytest.raises(ContentError, match="units"):
        load_catalogue(tmp_path)


def test_all_files_broken_is_unreadable(tmp_path: Path) -> None:
    unit_dir = tmp_path / "units" / "a"
    unit_dir.mkdir(parents=True)
    (unit_dir / "unit.yaml").write_bytes(b"\x00\x01")
    (tmp_path / "county.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ContentError):
        load_catalogue(tmp_path)


def test_symlink_out_of_the_content_folder_is_refused(check, tmp_path: Path) -> None:
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"x")
    images = tmp_path / "content" / "units" / "demo" / "images"
    images.mkdir(parents=True)
    os.symlink(outside, images / "link.png")
    result = check(powers=[patched(POWER, {"flowchart": {"image": "images/link.png"}})])
    assert "GK-FLOW-002" in _ids(result)


def test_missing_unit_section_keeps_the_items(content) -> None:
    root = content.write()
    (root / "units" / "demo" / "unit.yaml").unlink()
    result = check_content(root, today=TODAY)
    assert "GK-LOAD-010" in _ids(result)
    assert [i.code for i in result.catalogue.powers()] == ["CSJ-XK-001"]


def test_file_level_review_applies_to_items_without_one(check) -> None:
    item = patched(POWER, {"review": None})
    del item["review"]
    text = dump({"review": {"reviewer": "王立新", "date": "2026-10-20", "result": "通过"},
                 "powers": [patched(item, {"code": "CSJ-XK-004"})]})
    result = check(files={"units/demo/reviewed.yaml": text})
    assert result.findings == []


def test_items_inherit_unit_phones_and_hours(check) -> None:
    item = {k: v for k, v in POWER.items() if k not in ("hours",)}
    result = check(powers=[item])
    loaded = result.catalogue.units["demo"].powers[0]
    assert loaded.supervision_phone == "0412-4822310"
    assert loaded.hours == "周一至周五 8:30—17:00"
    assert loaded.implementing_unit == "台安县测试局"
