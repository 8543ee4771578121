"""Shared fixtures: a small, valid county written to a temporary folder, ready to break."""

from __future__ import annotations

import copy
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

# The session's browser (Playwright's sync API) keeps an event loop in the main thread; Django
# would then take every test-client request for async code and refuse its (synchronous) database
# calls. The console's tests are synchronous: tell Django so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CONTENT = REPO / "content"
TODAY = dt.date(2026, 11, 27)
DELETE = object()  # a patch value that removes the field



def _content_digest(root: Path) -> str:
    import hashlib

    files = sorted(path for path in root.rglob("*") if path.is_file())
    return hashlib.sha256(b"".join(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes()
                                   for p in files)).hexdigest()


@pytest.fixture(scope="session", autouse=True)
def sample_content_untouched() -> Any:
    """The repository's content/ is read-only for tests: a test that runs `serve` (or the console)
    on it directly writes review keys into the sample county.yaml, as one did."""
    before = _content_digest(SAMPLE_CONTENT)
    yield
    assert _content_digest(SAMPLE_CONTENT) == before, "a test wrote into the sample content/ folder"


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
# Starts after TODAY (tests of what is not yet shown) and ends years ahead: a process that plans
# with the real clock (a `signage serve` subprocess) sees the same fixture next year.
ANNOUNCEMENT = {
    "id": "demo-yuandan", "text": "元旦假期政务服务中心暂停对外办公，1月4日起正常办理。",
    "valid_from": "2026-12-25", "valid_until": "2031-01-04", "channels": ["led", "kiosk"],
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
def repo_cwd(monkeypatch: pytest.MonkeyPatch) -> Path:
    """For tests of the commands' default paths (``content``, ``layouts``), which are relative to
    the folder a user runs them in: that folder is the repository. Every other test names its
    paths from REPO, so the suite passes from any folder (CI runs it from a scratch folder)."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture
def content(tmp_path: Path) -> ContentFactory:
    return ContentFactory(tmp_path / "content")


@pytest.fixture
def check(content: ContentFactory) -> Callable[..., Any]:
    """Write content with the given parts and return the CheckResult as of TODAY."""
    from signage.catalogue.checking import check_content

    def run(**parts: Any) -> Any:
        root = content.write(**parts)
        return check_content(root, today=TODAY)

    return run


@pytest.fixture
def broker(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real mosquitto on a free loopback port, with its own data folder; stopped after the test."""
    from signage.fleet.broker import EmbeddedBroker

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


# --- cups: a private CUPS scheduler with a cups-pdf printer, for the print station tests ---------
# (appended section; its imports stay with the fixture they serve)

import contextlib  # noqa: E402
import os  # noqa: E402
import pwd  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

CUPS_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")  # `lpinfo -m`: lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")  # compiled into the backend: no private config possible
CUPS_TOOLS = {"cupsd": "cups", "lpadmin": "cups-client", "lp": "cups-client", "lpstat": "cups-client",
              "cupsaccept": "cups-client", "cupsreject": "cups-client", "pdftocairo": "poppler-utils"}
CUPS_ENV = {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "LANGUAGE": ""}  # lpstat answers are parsed


class CupsServer:
    """A cupsd of the test session's own, with one cups-pdf queue (``queue``) at ``server``.

    Config, spool, cache, state and logs live in a temporary folder; it listens on 127.0.0.1 and a
    free port only, shares and browses nothing, and needs no system cupsd (nor /run/cups).
    cups-pdf itself reads /etc/cups/cups-pdf.conf only, so its PDFs land where that says: ``Out``
    (Debian: ``${HOME}/PDF`` of the job's user, /root/PDF under CI) or ``AnonDirName`` for users it
    does not know. ``wait_for_pdf`` looks in both for the file named after the job's title."""

    queue = "board-pdf"

    def __init__(self, root: Path, tools: dict[str, str]) -> None:
        self.root, self.tools = root, tools
        self.port = 0
        self.process: Any = None
        self.produced: list[Path] = []

    @property
    def server(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        for _ in range(3):  # the free port can be taken between choosing it and cupsd binding it
            self.port = _free_port()
            self._write_config()
            with open(self.root / "log" / "cupsd.out", "ab") as log:  # cupsd keeps its own copy
                self.process = subprocess.Popen(
                    [self.tools["cupsd"], "-f", "-c", str(self.root / "conf" / "cupsd.conf"),
                     "-s", str(self.root / "conf" / "cups-files.conf")],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
            if self._wait_until_running():
                self._add_printer()
                return
            self._stop_process()
        pytest.fail(f"the test cupsd did not start: {self._log_tail()}")

    def stop(self) -> None:
        self._stop_process()
        for path in self.produced:
            path.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_for_pdf(self, title: str, timeout: float = 60) -> Path:
        """The finished PDF cups-pdf wrote for the job titled ``title`` (letters, digits, '-': the
        characters cups-pdf keeps in file names; make it unique, e.g. with a uuid)."""
        if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", title):
            raise ValueError(f"title {title!r}: use 1-40 letters, digits and '-'")
        name = re.compile(rf"(job_\d+-)?{re.escape(title)}(-job_\d+)?\.pdf")
        deadline, sizes = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            for path in _cups_pdf_files(name):
                size = _size(path)
                if size and sizes.get(path) == size and _pdf_complete(path):
                    self.produced.append(path)
                    return path
                sizes[path] = size
            time.sleep(0.25)
        jobs = self.run("lpstat", "-W", "all", "-o", self.queue).stdout.strip()
        pytest.fail(f"no PDF for job {title!r} in {', '.join(map(str, cups_pdf_dirs()))} after "
                    f"{timeout:g} s; jobs: {jobs or 'none'}; cupsd: {self._log_tail()}; "
                    f"cups-pdf log: {_cups_pdf_setting('Log', '/var/log/cups')}/cups-pdf-{self.queue}_log")

    def run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A CUPS command against this server (``-h`` first: later options depend on it)."""
        return subprocess.run([self.tools[tool], "-h", self.server, *args], capture_output=True,
                              text=True, timeout=120, env={**os.environ, **CUPS_ENV}, check=False)

    def _write_config(self) -> None:
        root = self.root
        for folder in ("conf", "spool/tmp", "cache", "state", "log"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        (root / "conf" / "cups-files.conf").write_text(
            f"ServerRoot {root}/conf\nRequestRoot {root}/spool\nTempDir {root}/spool/tmp\n"
            f"CacheDir {root}/cache\nStateDir {root}/state\nServerKeychain {root}/conf/ssl\n"
            f"CreateSelfSignedCerts no\nAccessLog {root}/log/access_log\nErrorLog {root}/log/error_log\n"
            f"PageLog {root}/log/page_log\nPrintcap {root}/state/printcap\n"
            "User lp\nGroup lp\nSystemGroup root\n")
        # No authentication (loopback only, nobody else can connect) and job details visible, so
        # lpadmin and lpstat work without certificates; a failed job is dropped, not the printer.
        (root / "conf" / "cupsd.conf").write_text(
            f"LogLevel info\nListen 127.0.0.1:{self.port}\nBrowsing No\nBrowseLocalProtocols none\n"
            "DefaultShared No\nWebInterface No\nDefaultAuthType None\nErrorPolicy abort-job\n"
            "<Location />\n  Order allow,deny\n  Allow 127.0.0.1\n</Location>\n"
            "<Policy default>\n  JobPrivateAccess all\n  JobPrivateValues none\n"
            "  SubscriptionPrivateAccess all\n  SubscriptionPrivateValues none\n"
            "  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n")

    def _wait_until_running(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if "scheduler is running" in self.run("lpstat", "-r").stdout:
                return True
            time.sleep(0.1)
        return False

    def _add_printer(self) -> None:
        """-E after -p enables the queue and accepts jobs. TitlePref=1: the file is named after the
        job title (Debian's cups-pdf reads a PostScript %%Title without ending the string, leaving
        junk in the name). pdftocairo: cups-pdf takes PostScript only, and Ghostscript's conversion
        turns CJK text into Type 3 glyphs that pdftotext cannot read; pdftocairo keeps the text."""
        result = self.run("lpadmin", "-p", self.queue, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PPD),
                          "-o", "TitlePref=1", "-o", "pdftops-renderer-default=pdftocairo")
        if result.returncode != 0:
            pytest.fail(f"lpadmin could not add {self.queue}: {result.stderr.strip()}; {self._log_tail()}")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if ("enabled" in self.run("lpstat", "-p", self.queue).stdout
                    and "accepting" in self.run("lpstat", "-a", self.queue).stdout):
                return
            time.sleep(0.2)
        pytest.fail(f"{self.queue} is not enabled and accepting: {self._log_tail()}")

    def _stop_process(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def _log_tail(self, lines: int = 15) -> str:
        text = ""
        for name in ("cupsd.out", "error_log"):
            with contextlib.suppress(OSError):
                text += (self.root / "log" / name).read_text(errors="replace")
        return " | ".join(text.strip().splitlines()[-lines:]) or "(no log)"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cups_pdf_setting(key: str, default: str) -> str:
    """A setting of /etc/cups/cups-pdf.conf as the backend reads it ("Key value", last one wins)."""
    value = default
    with contextlib.suppress(OSError):
        for line in CUPS_PDF_CONF.read_text(errors="replace").splitlines():
            parts = line.split(None, 1)
            if len(parts) == 2 and parts[0].lower() == key.lower():
                value = parts[1].strip()
    return value


def cups_pdf_dirs() -> list[Path]:
    """Where cups-pdf writes this user's jobs: ``Out`` with ${HOME}/${USER} filled in, then
    ``AnonDirName`` (for users it does not know); the defaults are the backend's own."""
    user = pwd.getpwuid(os.geteuid())
    out = _cups_pdf_setting("Out", "/var/spool/cups-pdf/${USER}")
    out = out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name)
    return [Path(out), Path(_cups_pdf_setting("AnonDirName", "/var/spool/cups-pdf/ANONYMOUS"))]


def _cups_pdf_files(name: re.Pattern[str]) -> list[Path]:
    found = []
    for folder in cups_pdf_dirs():
        with contextlib.suppress(OSError):
            found += [path for path in folder.iterdir() if name.fullmatch(path.name)]
    return found


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _pdf_complete(path: Path) -> bool:
    """Ghostscript writes the trailer last: a PDF that ends in %%EOF is finished."""
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, _size(path) - 64))
            return handle.read().rstrip().endswith(b"%%EOF")
    except OSError:
        return False


def _cups_tools() -> dict[str, str]:
    """The CUPS programs, or a failure that says how to install them (the suite never skips)."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin", "/usr/bin"])
    tools = {tool: shutil.which(tool, path=search) for tool in CUPS_TOOLS}
    missing = [f"{tool} ({CUPS_TOOLS[tool]})" for tool, found in tools.items() if found is None]
    missing += [f"{path} (printer-driver-cups-pdf)" for path in (CUPS_PDF_BACKEND, CUPS_PPD)
                if not path.exists()]
    if missing:
        pytest.fail(f"CUPS for the print tests is missing: {', '.join(missing)}. `make test` installs "
                    "it (cups, cups-client, printer-driver-cups-pdf), or run apt install those")
    if os.geteuid() != 0:
        pytest.fail("the cups fixture runs a private cupsd, which must be root to run the cups-pdf "
                    "backend (mode 0700): run the print tests as root, as CI does")
    return {tool: str(found) for tool, found in tools.items()}


@pytest.fixture(scope="session")
def cups() -> Any:
    """A private cupsd with a cups-pdf queue for the session: ``server``, ``queue``, ``wait_for_pdf``."""
    tools = _cups_tools()
    # Filters run as lp and must reach the spool and the queue's PPD: /tmp, not a private $TMPDIR.
    root = Path(tempfile.mkdtemp(prefix="signage-cups-", dir="/tmp"))
    root.chmod(0o755)
    server = CupsServer(root, tools)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# --- hypothesis: fuzz budgets for tests/test_fuzz.py --------------------------------------------
# "ci" (default): thousands of examples across the fuzz tests, well under 90 s on a small machine.
# "nightly" (`make fuzz`, HYPOTHESIS_PROFILE=nightly): twenty times as many. Failures are kept in
# hypothesis' example database (.hypothesis/, which ignores itself in git) and tried first next time.

from hypothesis import HealthCheck, settings  # noqa: E402

_FUZZ = {"deadline": None, "derandomize": False, "print_blob": True,
         "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=300, **_FUZZ)
settings.register_profile("nightly", max_examples=6000, **_FUZZ)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def browser() -> Any:
    """A real chromium (Debian's package, through Playwright) for the session; see tests/browser.py."""
    from browser import browser_session

    yield from browser_session()


@pytest.fixture
def page(browser: Any) -> Any:
    """A fresh browser context and page per test (no cookies or storage shared between tests)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    try:
        yield context.new_page()
    finally:
        context.close()
