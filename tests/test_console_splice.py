"""A console save rewrites only the edited record's lines (signage.console.editing.splice), and the
file it writes is byte for byte what ruamel's dump of the whole file would have written: over a
run of edits to the same file (first, middle, last records; growing and shrinking; comments kept),
with the record layout it tracks equal to a fresh parse's; a file the splice cannot match (CRLF,
an alias into another record) is dumped whole, so nothing is ever written differently."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SAMPLE_CONTENT

from signage.console.editing import documents

COMMENTED = """\
# 本文件由登记注册股维护
review:
  reviewer: 王立新
  date: "2026-10-20"
  result: 通过
powers:
  # 第一项：设立登记
  - name: 市场主体设立登记
    code: "GSJ-XK-001"  # 编码勿改
    type: 行政许可
    place: 一楼窗口
  - name: 市场主体变更登记
    code: "GSJ-XK-002"
    type: 行政许可
    materials:
      - 变更登记申请书   # 原件
      - 营业执照
    place: 一楼窗口
  # 以下为注销
  - name: 市场主体注销登记
    code: "GSJ-XK-003"
    type: 行政许可
    place: 二楼窗口
# 文件结束
"""


def edit(path: Path, key: str, changes: dict) -> tuple[bytes, bool]:
    """Save ``changes`` to record ``key``; the bytes the whole dump would have written, and
    whether the save spliced."""
    document = documents.load_for_edit(path, "powers", key)
    record = documents.find(document, "powers", key)
    for name, value in changes.items():
        documents.set_field(record, name, value)
    whole = documents.dump(document.data)
    spliced = documents._spliced(document, path.read_bytes()) is not None
    documents.save(document, document.version)
    return whole, spliced


def assert_layout_fresh(path: Path) -> None:
    cached = documents.load_shared(path)
    assert cached.layout == documents.load(path).layout


def test_edits_splice_and_equal_the_whole_dump(tmp_path: Path) -> None:
    path = tmp_path / "powers.yaml"
    path.write_text(COMMENTED, "utf-8")
    steps = [("GSJ-XK-002", {"place": "一楼三号窗口"}),
             ("GSJ-XK-001", {"place": "一楼\n二号窗口", "hours": "周一至周五"}),  # grows
             ("GSJ-XK-002", {"materials": None}),  # shrinks
             ("GSJ-XK-003", {"place": "三楼"}),  # the last record, up to the file's closing comment
             ("GSJ-XK-001", {"code": "GSJ-XK-009"})]  # the key itself
    spliced = []
    for key, changes in steps:
        whole, did = edit(path, key, changes)
        assert path.read_bytes() == whole
        assert_layout_fresh(path)
        spliced.append(did)
    text = path.read_text("utf-8")
    comments = ("# 本文件由登记注册股维护", "# 第一项：设立登记", "# 编码勿改", "# 以下为注销", "# 文件结束")
    assert all(comment in text for comment in comments)
    assert "GSJ-XK-009" in text and "变更登记申请书" not in text
    assert spliced.count(True) >= 3  # the fast path is taken, not only the fallback


def test_sample_files_splice_to_the_whole_dump(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    checked = 0
    for path in sorted(content.glob("units/*/*.yaml")):
        records = documents.load(path).data.get("powers") or []
        for index in sorted({0, len(records) // 2, len(records) - 1}) if records else ():
            key = documents.record_key("powers", documents.load_shared(path).data["powers"][index])
            whole, _ = edit(path, key, {"place": f"测试地点{index}", "promised_days": 2})
            assert path.read_bytes() == whole, path
            assert_layout_fresh(path)
            checked += 1
    assert checked >= 10


def test_unmatched_files_are_dumped_whole(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(COMMENTED.replace("\n", "\r\n").encode("utf-8"))
    whole, spliced = edit(crlf, "GSJ-XK-002", {"place": "二楼"})
    assert not spliced and crlf.read_bytes() == whole
    aliased = tmp_path / "alias.yaml"
    text = COMMENTED.replace("    place: 一楼窗口\n  - name: 市场主体变更登记",
                             "    place: &window 一楼窗口\n  - name: 市场主体变更登记", 1)
    text = text.replace("    place: 一楼窗口\n  # 以下为注销", "    place: *window\n  # 以下为注销", 1)
    aliased.write_text(text, "utf-8")
    assert "*window" in aliased.read_text("utf-8")
    whole, spliced = edit(aliased, "GSJ-XK-002", {"hours": "全天"})
    assert not spliced and aliased.read_bytes() == whole
