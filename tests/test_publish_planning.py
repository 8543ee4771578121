"""Incremental, grouped planning: screens with the same selection are planned once and a group
only again when a unit it selects changed, yet every screen gets exactly the plan it gets when
planned alone and from scratch."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ANNOUNCEMENT, NOTICE, POWER, TODAY, UNIT, ContentFactory, dump, patched

from signage.catalogue.checking import Checker, check_content
from signage.publishing.plans import FleetBuild, Planner, build_fleet
from signage.publishing.screens import ScreenSet, load_screens

SCREENS = """screens:
  - id: kiosk-1
    kind: kiosk
  - id: kiosk-2
    kind: kiosk
  - id: led-demo-1
    kind: led
    select: {units: [demo], show: [announcements, powers]}
  - id: led-demo-2
    kind: led
    select: {units: [demo], show: [announcements, powers]}
  - id: board-other
    kind: board
    select: {units: [other]}
"""


def _powers(prefix: str, count: int, changed: int | None = None) -> list[dict]:
    return [patched(POWER, {"code": f"{prefix}-XK-{n:04d}",
                            "name": f"事项{n}" + ("（变更）" if n == changed else "")})
            for n in range(1, count + 1)]


def _write_other(root: Path, changed: int | None = None) -> None:
    folder = root / "units" / "other"
    folder.mkdir(parents=True, exist_ok=True)
    unit = patched(UNIT, {"id": "other", "name": "台安县另一局", "short_name": "另一局",
                          "code_prefix": "QTJ"})
    (folder / "unit.yaml").write_text(dump({"unit": unit}), "utf-8")
    (folder / "powers.yaml").write_text(dump({"powers": _powers("QTJ", 60, changed)}), "utf-8")
    notice = patched(NOTICE, {"doc_number": "县另发〔2026〕3号"})
    (folder / "notices.yaml").write_text(dump({"notices": [notice]}), "utf-8")
    (folder / "announcements.yaml").write_text(dump({"announcements": [ANNOUNCEMENT]}), "utf-8")


def _county(tmp: Path) -> tuple[Path, ScreenSet]:
    root = ContentFactory(tmp / "content").write(powers=_powers("CSJ", 150))
    _write_other(root)
    layouts = tmp / "layouts"
    layouts.mkdir()
    (layouts / "screens.yaml").write_text(SCREENS, "utf-8")
    return root, load_screens(layouts)


def _alone(build: FleetBuild, root: Path, screens: ScreenSet, tree: bool) -> None:
    """Each screen planned by itself from scratch gets the same plan and the same objects."""
    check = check_content(root, today=TODAY)
    for screen_id, screen in screens.screens.items():
        alone = build_fleet(check, ScreenSet({screen_id: screen}, screens.layouts), TODAY,
                            tree=lambda _: tree)
        assert alone.roots[screen_id] == build.roots[screen_id], screen_id
        assert alone.uses[screen_id] == build.uses[screen_id], screen_id
        assert all(alone.objects[o] == build.objects[o] for o in alone.uses[screen_id])


@pytest.mark.parametrize("tree", [True, False])
def test_grouped_incremental_plans_are_the_plans_each_screen_gets_alone(tmp_path: Path,
                                                                         tree: bool) -> None:
    root, screens = _county(tmp_path)
    checker, planner = Checker(root), Planner()

    def plan() -> FleetBuild:
        return planner.build(checker.check(TODAY), screens, TODAY, {}, lambda _: None,
                             tree=lambda _: tree)

    first = plan()
    assert len(first.roots) == 5 and first.roots["kiosk-1"] != first.roots["kiosk-2"]
    _alone(first, root, screens, tree)
    kept = dict(planner._screens)
    assert plan().roots == first.roots
    assert all(planner._screens[s] is kept[s] for s in kept)  # nothing changed: nothing replanned

    _write_other(root, changed=7)  # one item of one unit
    checker.changed("other")
    second = plan()
    _alone(second, root, screens, tree)
    changed = {s for s in first.roots if first.roots[s] != second.roots[s]}
    assert changed == {"kiosk-1", "kiosk-2", "board-other"}
    assert planner._screens["led-demo-1"] is kept["led-demo-1"]  # its group selects demo only
    assert set(second.objects) == set().union(*second.uses.values())  # only what screens use
