"""Assessment runs off the request thread: a run takes 20–45 s for a county (scoring, the HTML
report, a PDF notice per unit), far too long to hold a browser request and a server thread.

One run at a time per county (its content folder): 运行评估 starts a worker thread and returns
at once; a second click while it runs is told so and starts nothing. The assessments page shows
进行中 (and refreshes itself with a meta refresh: no script) until the run has finished, then the
result or, in Chinese, why it failed. Only the last run's outcome is kept (bounded memory); the
runs themselves are stored by ``assessments.run_assessment`` as before.

The last run's state is also written (atomically) to ``assessment-job.json`` in the data folder at
start and at finish, so that a restarted console still shows the last run; a run the file says is
going but no thread of this process runs was cut off by the restart and shows as 未完成.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import connection

from signage.console.site import Site
from signage.contract.files import atomic_write

log = logging.getLogger(__name__)

Work = Callable[[Site], tuple[str, list[Path]]]  # the run: its stem and the files it wrote


@dataclass(frozen=True, slots=True)
class JobState:
    running: bool = False
    started_by: str = ""
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    stem: str = ""  # the last finished run's stored name
    error: str = ""  # why the last run failed, for the page (Chinese)
    interrupted: bool = False  # the console stopped while it ran (read back after a restart)

INTERRUPTED = ("评估未完成：运行期间工作台已停止（重启或断电），本次没有生成报告。"
               "请再次点击“运行评估”；如多次出现，请把服务日志交给系统管理员。")
STATE_FILE = "assessment-job.json"


_lock = threading.Lock()
_states: dict[Path, JobState] = {}
_threads: dict[Path, threading.Thread] = {}


def _key(site: Site) -> Path:
    return site.content_dir.resolve()


def state(site: Site) -> JobState:
    key = _key(site)
    with _lock:
        if key not in _states:
            _states[key] = _load(site.data_dir)
        return _states[key]


def _load(data_dir: Path) -> JobState:
    """The state a previous console process left; a run it left going was interrupted."""
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text("utf-8"))
        saved = JobState(started_by=str(raw.get("started_by", "")),
                         started_at=_time(raw.get("started_at")),
                         finished_at=_time(raw.get("finished_at")),
                         stem=str(raw.get("stem", "")), error=str(raw.get("error", "")))
        running = bool(raw.get("running"))
    except FileNotFoundError:
        return JobState()
    except (OSError, ValueError, TypeError, AttributeError):
        log.warning("assessment: %s unreadable, ignored", data_dir / STATE_FILE)
        return JobState()
    if running:  # nothing in this process runs it: the old process stopped mid-run
        return replace(saved, error=INTERRUPTED, interrupted=True)
    return saved


def _time(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _save(data_dir: Path, job: JobState) -> None:
    """Write the state for the next process; a failed write only costs the page after a restart."""
    raw = {"running": job.running, "started_by": job.started_by,
           "started_at": job.started_at.isoformat() if job.started_at else "",
           "finished_at": job.finished_at.isoformat() if job.finished_at else "",
           "stem": job.stem, "error": job.error}
    try:
        atomic_write(data_dir / STATE_FILE, json.dumps(raw, ensure_ascii=False).encode("utf-8"))
    except OSError:
        log.warning("assessment: could not write %s", data_dir / STATE_FILE, exc_info=True)


def start(site: Site, actor: str, work: Work, on_done: Callable[[JobState], None] | None = None) -> bool:
    """Start ``work`` for the county unless a run is going; False when one is (nothing started)."""
    key = _key(site)
    state(site)  # a state left by an earlier process is read before it is replaced
    with _lock:
        if _states.get(key, JobState()).running:
            return False
        _states[key] = JobState(running=True, started_by=actor, started_at=dt.datetime.now())
        _save(site.data_dir, _states[key])
        thread = threading.Thread(target=_run, args=(key, site, work, on_done),
                                  name="signage-assessment", daemon=True)
        _threads[key] = thread
    thread.start()
    return True


def wait(site: Site, timeout: float) -> bool:
    """Wait for the county's run to finish (tests, shutdown); True when none is running."""
    with _lock:
        thread = _threads.get(_key(site))
    if thread is not None:
        thread.join(timeout)
    return not state(site).running


def _run(key: Path, site: Site, work: Work, on_done: Callable[[JobState], None] | None) -> None:
    stem, error = "", ""
    try:
        stem, _ = work(site)
    except (OSError, ValueError) as exc:  # the weights file or the data folder: say so
        error = f"评估未能完成：{exc}。请检查数据目录的写入权限和评估设置后重试。"
    except Exception as exc:  # a bug must not leave the page saying 进行中 for ever
        log.exception("assessment run failed")
        error = f"评估未能完成（程序错误：{type(exc).__name__}）。请把服务日志交给系统管理员。"
    with _lock:
        finished = replace(_states[key], running=False, finished_at=dt.datetime.now(), stem=stem,
                           error=error)
        _states[key] = finished
        _save(site.data_dir, finished)
    if on_done is not None:
        try:
            on_done(finished)
        except Exception:
            log.exception("assessment: recording the outcome failed")
    connection.close()  # the worker's own (Django opens one per thread), closed with it
