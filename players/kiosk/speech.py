"""Read-aloud (语音播报) with the local espeak-ng engine and its Mandarin voice, never blocking the UI.

Why espeak-ng: it is packaged by Debian, works offline (a kiosk must not send what a citizen is
reading to a cloud service) and has a Mandarin voice, ``cmn`` (older releases call it ``zh``;
``mb/…`` MBROLA voices need extra packages, so they are not used).

Audio: espeak-ng plays through libpcaudio, which tries PulseAudio/PipeWire first and then ALSA, so
the kiosk needs no ``aplay`` pipeline of its own, and ``stop()`` (terminating espeak-ng) silences
it at once. Without a sound card espeak-ng does not hang: it prints ALSA errors to stderr and exits
0 within tens of milliseconds. Its stderr is therefore collected (never shown on the console) and
logged once, as a warning, the first time playback reports a problem.

Every utterance is one ``espeak-ng`` process started with ``Popen`` (returns at once); a daemon
thread waits for it and drains its stderr, so the UI thread only ever starts or signals processes.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

ENGINE = "espeak-ng"
RATE = 160  # words per minute; espeak-ng's 175 is brisk for older listeners of Mandarin
MAX_CHARS = 2000  # a long page is read up to a sentence end near here (about five minutes)
PROBE_TIMEOUT = 5.0  # seconds for `espeak-ng --voices=…` (it normally answers in ~10 ms)
SENTENCE_ENDS = "。！？!?；;\n"
CLAUSE_ENDS = "，、：,: "


@dataclass
class _Utterance:
    process: subprocess.Popen[bytes]
    to_speakers: bool
    stopped: bool = False  # by stop(): its exit status and messages are expected, not news
    done: threading.Event = field(default_factory=threading.Event)


class Speaker:
    """Speaks Chinese text aloud, one utterance at a time; a no-op where espeak-ng is missing."""

    def __init__(self, *, rate: int = RATE, max_chars: int = MAX_CHARS, engine: str = ENGINE) -> None:
        self.rate, self.max_chars, self.engine = rate, max_chars, engine
        self._probed: tuple[str, str] | None = None  # (executable, voice) once found
        self._probe_done = False
        self._current: _Utterance | None = None
        self._warned: set[str] = set()

    # -- availability ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """espeak-ng is on PATH and has a Mandarin voice (checked once, on first use)."""
        return self._engine() is not None

    @property
    def voice(self) -> str | None:
        found = self._engine()
        return found[1] if found else None

    def _engine(self) -> tuple[str, str] | None:
        if not self._probe_done:
            self._probe_done = True
            self._probed = self._probe()
        return self._probed

    def _probe(self) -> tuple[str, str] | None:
        executable = shutil.which(self.engine)
        if executable is None:
            return None
        for query in ("cmn", "zh"):
            voice = _mandarin_voice(_voices(executable, query))
            if voice:
                return executable, voice
        return None

    # -- speaking ----------------------------------------------------------------------------

    def speak(self, text: str, *, wav_path: Path | str | None = None) -> bool:
        """Start reading ``text`` (after stopping what is being read); True if it started.

        With ``wav_path`` the speech is written to that WAV file instead of the speakers."""
        self.stop()
        found = self._engine()
        if found is None:
            self._warn_once("missing", f"read-aloud is off: {self.engine} with a Mandarin voice (cmn) "
                                       f"was not found; install it with: apt-get install espeak-ng")
            return False
        spoken = truncate(text.strip(), self.max_chars)
        if not spoken:
            return False
        command = [found[0], "-v", found[1], "-s", str(self.rate)]
        if wav_path is not None:
            command += ["-w", str(wav_path)]
        command += ["--", spoken]  # "--": text starting with "-" is not an option
        return self._start(command, to_speakers=wav_path is None)

    def _start(self, command: list[str], *, to_speakers: bool) -> bool:
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
        except OSError as exc:
            self._warn_once("start", f"read-aloud failed to start {command[0]}: {exc}")
            return False
        self._current = utterance = _Utterance(process, to_speakers)
        threading.Thread(target=self._reap, args=(utterance,), name="speech", daemon=True).start()
        return True

    def _reap(self, utterance: _Utterance) -> None:
        """Wait for espeak-ng and drain its stderr (a full pipe would stall it); report once."""
        try:
            _, errors = utterance.process.communicate()
        finally:
            utterance.done.set()
        if utterance.stopped:
            return
        message = errors.decode("utf-8", "replace").strip()
        if utterance.process.returncode != 0:
            self._warn_once("failed", f"{ENGINE} exited with {utterance.process.returncode}: "
                                      f"{_last_line(message)}")
        elif message and utterance.to_speakers:  # espeak-ng exits 0 even when no audio device opened
            self._warn_once("audio", f"{ENGINE} could not play audio (no sound device?): "
                                     f"{_last_line(message)}")

    def stop(self) -> None:
        """Silence the current utterance, if any, without waiting for it."""
        current, self._current = self._current, None
        if current is None or current.done.is_set():
            return
        current.stopped = True
        with contextlib.suppress(OSError):  # it may have ended in the meantime
            current.process.terminate()

    @property
    def speaking(self) -> bool:
        """True from speak() until espeak-ng has finished (or was stopped)."""
        current = self._current
        return current is not None and not current.done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current utterance ends (tests, shutdown; not the UI thread)."""
        current = self._current
        return current is None or current.done.wait(timeout)

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            log.warning(message)


def truncate(text: str, limit: int = MAX_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, at a sentence end when there is one in the
    last half (else at a clause end), so the reading stops where a listener expects it to."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for marks in (SENTENCE_ENDS, CLAUSE_ENDS):
        cut = max(head.rfind(mark) for mark in marks)
        if cut >= limit // 2:
            return head[:cut + 1].rstrip()
    return head


def _voices(executable: str, language: str) -> str:
    """espeak-ng's voice table for ``language``; empty when it cannot be asked."""
    try:
        done = subprocess.run([executable, f"--voices={language}"], capture_output=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.decode("utf-8", "replace")


def _mandarin_voice(table: str) -> str | None:
    """The Mandarin voice in a ``--voices`` table: ``cmn`` if listed, else ``zh``; MBROLA ones
    (file ``mb/…``) need the mbrola package and are skipped.

    Columns: Pty, Language, Age/Gender, VoiceName, File, Other Languages (header first)."""
    languages = []
    for row in table.splitlines()[1:]:
        columns = row.split()
        if len(columns) >= 5 and not columns[4].startswith("mb/"):
            languages.append(columns[1])
    return next((voice for voice in ("cmn", "zh") if voice in languages), None)


def _last_line(message: str) -> str:
    lines = [line for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"
