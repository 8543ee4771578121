"""The incremental check the console and the publisher share gives exactly the full check's
findings after every edit, made through the console's own save path (copy-on-write record,
splice, ``Checker.changed``): plain field edits, a code copied from another unit (a cross-unit
conflict created, then removed), a 文号 written another way that is the same document, an
announcement id taken from another unit, a unit's code prefix changed (every unit's codes
re-judged), and a record removed. And a writer's ``changed`` makes the checker re-read a unit
whose file kept its size and timestamp, which the stat stamps alone would miss."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_CONTENT, TODAY

from signage.catalogue.checking import Checker, check_content
from signage.console.editing import documents


@pytest.fixture
def root(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    return content


def save(root: Path, checker: Checker, unit: str, file: str, section: str, key: str,
         changes: dict[str, Any]) -> None:
    """One record changed as the console saves it, and the checker told."""
    path = root / "units" / unit / file
    document = documents.load_for_edit(path, section, key)
    record = documents.find(document, section, key)
    for name, value in changes.items():
        documents.set_field(record, name, value)
    documents.save(document, document.version)
    checker.changed(unit)


def findings(result: Any) -> list[dict]:
    return [f.to_dict() for f in result.findings]


def rule_ids(result: Any) -> set[str]:
    return {f.rule.id for f in result.findings}


def test_incremental_equals_full_over_edits(root: Path) -> None:
    checker = Checker(root)
    first = checker.check(TODAY)
    assert findings(first) == findings(check_content(root, TODAY))
    assert not {"GK-CODE-002", "GK-CODE-006", "GK-DOCNO-006"} & rule_ids(first)
    steps = [
        ("gongshang", "powers.yaml", "powers", "GSJ-XK-002", {"place": "台安县政务服务中心二楼"}),
        ("gongshang", "powers.yaml", "powers", "GSJ-XK-003", {"code": "JTJ-XK-001"}),  # conflict made
        ("jiaotong", "powers.yaml", "powers", "JTJ-XK-002", {"promised_days": 40}),  # > statutory
        ("gongshang", "powers.yaml", "powers", "JTJ-XK-001", {"code": "GSJ-XK-003"}),  # conflict gone
        ("gongshang", "notices.yaml", "notices", "台工商发〔2026〕9号",
         {"doc_number": "台交发[2026]第04号"}),  # jiaotong's 台交发〔2026〕4号 written another way
        ("gongshang", "announcements.yaml", "announcements", "gongshang-nianbao",
         {"id": "jiaotong-chuxue"}),  # an id jiaotong already uses
        ("gongshang", "notices.yaml", "notices", "台交发[2026]第04号", {"doc_number": "台工商发〔2026〕9号"}),
        ("gongshang", "announcements.yaml", "announcements", "jiaotong-chuxue", {"id": "gongshang-nianbao"}),
        ("gongshang", "unit.yaml", None, None, {"code_prefix": "GSX"}),  # every GSJ- code now mismatched
    ]
    seen: set[str] = set()
    for unit, file, section, key, changes in steps:
        if section is None:
            path = root / "units" / unit / file
            text = path.read_text("utf-8")
            path.write_text(text.replace("code_prefix: GSJ", "code_prefix: GSX"), "utf-8")
            checker.changed(unit)
        else:
            save(root, checker, unit, file, section, key, changes)
        incremental = checker.check(TODAY)
        assert findings(incremental) == findings(check_content(root, TODAY)), (unit, key, changes)
        seen |= rule_ids(incremental)
    assert {"GK-CODE-002", "GK-DOCNO-006", "GK-CODE-006", "GK-TIME-004"} <= seen  # each edit did something
    assert "GK-CODE-002" not in rule_ids(checker.check(TODAY))  # and the conflict is gone again


def test_a_removed_record_is_gone_from_both(root: Path) -> None:
    checker = Checker(root)
    save(root, checker, "jiaotong", "powers.yaml", "powers", "JTJ-XK-003", {"code": "GSJ-XK-001"})
    assert "GK-CODE-002" in rule_ids(checker.check(TODAY))
    path = root / "units" / "jiaotong" / "powers.yaml"
    document = documents.load_for_edit(path)
    records = document.data["powers"]
    records.pop(next(i for i, r in enumerate(records) if r["code"] == "GSJ-XK-001"))
    documents.save(document, document.version)
    checker.changed("jiaotong")
    result = checker.check(TODAY)
    assert "GK-CODE-002" not in rule_ids(result)
    assert findings(result) == findings(check_content(root, TODAY))


def test_changed_rereads_a_file_whose_stamp_did_not_move(root: Path) -> None:
    checker = Checker(root)
    assert "GK-TIME-004" not in rule_ids(checker.check(TODAY))
    path = root / "units" / "jiaotong" / "powers.yaml"
    info = path.stat()
    text = path.read_text("utf-8")
    edited = text.replace("promised_days: 2\n", "promised_days: 9\n", 1)  # same size, over 5
    assert edited != text and len(edited.encode()) == len(text.encode())
    path.write_text(edited, "utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # the same timestamp as before
    assert "GK-TIME-004" not in rule_ids(checker.check(TODAY))  # the stamps alone miss it
    checker.changed("jiaotong")
    result = checker.check(TODAY)
    assert "GK-TIME-004" in rule_ids(result)
    assert findings(result) == findings(check_content(root, TODAY))
