"""Shared fixtures: a small, valid county written to a temporary folder, ready to break."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"
TODAY = dt.date(2026, 11, 27)
DELETE = object()  # a patch value that removes the field

REVIEW = {"reviewer": "王立新", "date": "2026-10-20", "result": "通过"}
COUNTY = {"name": "台安县", "office": "台安县人民政府政务公开办公室", "area_code": "0412",
          "supervision_phone": "0412-4822110"}
UNIT = {
    "id": "demo", "name": "台安县测试局", "short_name": "测试局", "code_prefix": "CSJ",
    "address": "台安县政务服务中心二楼（兴台路88号）", "hours": "周一至周五 8:30—17:00",
    "consult_phone": "0412-4822301", "supervision_phone": "0412-4822310",
    "complaint_phone": "12345",
    "duties": ["负责全县城乡规划的组织编制和实施管理工作。"],
    "rules": [
        {"title": "限时办结制度", "text": "对材料齐全的申请事项，在承诺时限内办结。"},
        {"title": "首问责任制", "text": "首位接待的工作人员负责解答或引导，不得推诿。"},
    ],
}
POWER = {
    "name": "建设工程规划许可证核发", "code": "CSJ-XK-001", "type": "行政许可",
    "department": "规划管理股",
    "legal_basis": ["《中华人民共和国城乡规划法》第四十条第一款"],
    "statutory_days": "20", "promised_days": "10", "fee": {"charged": "否"},
    "materials": ["建设工程规划许可申请表", "使用土地的有关证明文件"],
    "place": "台安县政务服务中心二楼8号窗口", "hours": "周一至周五 8:30—17:00",
    "flowchart": {"steps": [
        {"name": "受理", "post": "窗口受理岗", "days": "1",
         "branches": [{"when": "材料不齐全", "to": "一次性告知补正"},
                      {"when": "材料齐全", "to": "审查"}]},
        {"name": "一次性告知补正", "post": "窗口受理岗", "days": "1",
         "branches": [{"when": "补正后", "to": "受理"}]},
        {"name": "审查", "post": "规划管理股", "days": "6"},
        {"name": "决定", "post": "分管副局长", "days": "2"},
        {"name": "送达", "post": "窗口受理岗", "days": "1"},
    ]},
    "updated": "2026-10-12", "review": REVIEW,
}
NOTICE = {
    "title": "台安县测试局关于公布2026年度行政权力事项目录的通知", "kind": "通知",
    "issuer": "台安县测试局", "doc_number": "台测发〔2026〕12号", "date": "2026-09-18",
    "disclosure": "主动公开", "summary": "公布本局行政权力事项目录。",
    "body": "各股室：\n现将本局2026年度行政权力事项目录予以公布，请遵照执行。",
    "review": REVIEW,
}
ANNOUNCEMENT = {
    "id": "demo-yuandan", "text": "元旦假期政务服务中心暂停对外办公，1月4日起正常办理。",
    "valid_from": "2026-12-25", "valid_until": "2027-01-04", "channels": ["led", "kiosk"],
    "review": REVIEW,
}


def patched(record: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``record`` with dotted keys set (or removed with DELETE)."""
    result = copy.deepcopy(record)
    for dotted, value in patch.items():
        *parents, last = dotted.split(".")
        target = result
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return result


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


class ContentFactory:
    """Writes a county with one unit to ``root``; each part can be patched or replaced."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(
        self,
        *,
        county: dict[str, Any] | None = None,
        unit: dict[str, Any] | None = None,
        powers: list[dict[str, Any]] | None = None,
        notices: list[dict[str, Any]] | None = None,
        announcements: list[dict[str, Any]] | None = None,
        files: dict[str, bytes | str] | None = None,
    ) -> Path:
        unit_dir = self.root / "units" / "demo"
        unit_dir.mkdir(parents=True, exist_ok=True)
        (self.root / "county.yaml").write_text(dump({"county": county or COUNTY}), "utf-8")
        (unit_dir / "unit.yaml").write_text(dump({"unit": unit or UNIT}), "utf-8")
        sections = {"powers": powers if powers is not None else [POWER],
                    "notices": notices if notices is not None else [NOTICE],
                    "announcements": announcements if announcements is not None else [ANNOUNCEMENT]}
        for name, items in sections.items():
            (unit_dir / f"{name}.yaml").write_text(dump({name: items}), "utf-8")
        for relative, content in (files or {}).items():
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.encode("utf-8")
            path.write_bytes(content)
        return self.root


@pytest.fixture
def content(tmp_path: Path) -> ContentFactory:
    return ContentFactory(tmp_path / "content")


@pytest.fixture
def check(content: ContentFactory) -> Callable[..., Any]:
    """Write content with the given parts and return the CheckResult as of TODAY."""
    from signage.checking import check_content

    def run(**parts: Any) -> Any:
        root = content.write(**parts)
        return check_content(root, today=TODAY)

    return run


@pytest.fixture
def broker(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real mosquitto on a free loopback port, with its own data folder; stopped after the test."""
    from signage.broker import EmbeddedBroker

    server = EmbeddedBroker(tmp_path_factory.mktemp("broker"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def xvfb_display() -> Any:
    """A real X server (Xvfb) on a free display number, for window tests; `make test` installs it."""
    import os
    import shutil
    import subprocess
    import time

    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.fail("Xvfb is not installed: run `make test` (it installs xvfb) or apt install xvfb")
    number = next(n for n in range(90, 200) if not os.path.exists(f"/tmp/.X11-unix/X{n}")
                  and not os.path.exists(f"/tmp/.X{n}-lock"))
    process = subprocess.Popen([binary, f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not os.path.exists(f"/tmp/.X11-unix/X{number}"):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def display(xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """DISPLAY set to the test X server for this test."""
    monkeypatch.setenv("DISPLAY", xvfb_display)
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    return xvfb_display
