"""The incremental checker re-reads only what changed and still gives the full answer."""

from __future__ import annotations

import shutil

from conftest import POWER, TODAY, UNIT, dump, patched

from signage.catalogue.checking import Checker, check_content


def test_only_changed_units_are_reloaded(content) -> None:
    root = content.write()
    other = root / "units" / "other"
    shutil.copytree(root / "units" / "demo", other)
    (other / "unit.yaml").write_text(dump({"unit": patched(UNIT, {"id": "other", "code_prefix": "QT"})}),
                                     "utf-8")
    (other / "powers.yaml").write_text(dump({"powers": [patched(POWER, {"code": "QT-XK-001"})]}), "utf-8")
    (other / "notices.yaml").write_text("notices: []\n", "utf-8")
    (other / "announcements.yaml").write_text("announcements: []\n", "utf-8")
    checker = Checker(root)
    first = checker.check(TODAY)
    assert first.findings == []
    (other / "powers.yaml").write_text(
        dump({"powers": [patched(POWER, {"code": "QT-XK-001", "promised_days": "30"})]}), "utf-8")
    second = checker.check(TODAY)
    assert second.generations["demo"] == first.generations["demo"]
    assert second.generations["other"] != first.generations["other"]
    assert [(f.rule.id, f.unit_id) for f in second.findings] == [("GK-TIME-004", "other")]
    fresh = check_content(root, TODAY)
    assert [f.to_dict() for f in fresh.findings] == [f.to_dict() for f in second.findings]


def test_cross_unit_rules_and_removed_units_stay_correct(content) -> None:
    root = content.write()
    other = root / "units" / "other"
    other.mkdir()
    (other / "unit.yaml").write_text(dump({"unit": patched(UNIT, {"id": "other"})}), "utf-8")
    checker = Checker(root)
    assert checker.check(TODAY).findings == []
    (other / "powers.yaml").write_text(dump({"powers": [patched(POWER, {"review": POWER["review"]})]}),
                                       "utf-8")  # the same code as demo's item
    assert "GK-CODE-002" in [f.rule.id for f in checker.check(TODAY).findings]
    shutil.rmtree(other)
    result = checker.check(TODAY)
    assert result.findings == [] and list(result.catalogue.units) == ["demo"]


def test_county_or_date_change_rechecks_everything(content) -> None:
    root = content.write(powers=[patched(POWER, {"updated": "2026-11-20",
                                                 "review": {**POWER["review"], "date": "2026-11-21"}})])
    checker = Checker(root)
    assert checker.check(TODAY).findings == []
    before = checker.check(TODAY.replace(day=19))  # the same files, an earlier "today"
    assert "GK-DATE-003" in [f.rule.id for f in before.findings]
    (root / "county.yaml").write_text(dump({"county": {"name": "台安县", "area_code": "024"}}), "utf-8")
    ids = [f.rule.id for f in checker.check(TODAY).findings]
    assert "GK-TEL-004" in ids  # every unit's phones re-checked against the new area code


def test_nothing_changed_returns_the_last_result(content) -> None:
    """Publisher and console share one checker: the second to ask after a save gets the first's
    result instead of running the cross-unit rules over the county again."""
    import threading

    root = content.write()
    checker = Checker(root)
    first = checker.check(TODAY)
    assert checker.check(TODAY) is first
    assert checker.check(TODAY.replace(day=26)) is not first  # another date: checked again
    (root / "units" / "demo" / "powers.yaml").write_text(
        dump({"powers": [patched(POWER, {"promised_days": "30"})]}), "utf-8")
    results = []
    threads = [threading.Thread(target=lambda: results.append(checker.check(TODAY))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r is results[0] for r in results) and results[0] is not first
    assert "GK-TIME-004" in [f.rule.id for f in results[0].findings]
