"""Writing one edited record back by replacing only its lines in the file.

ruamel.yaml's round-trip dump is pure Python: about 150 ms for a 60-item file, twice per edit
(the save and the approval's seal). Dumping the one record takes a few ms. The splice is used
only when the record as parsed dumps back to exactly its lines in the file (the same style, no
alias into another record, no comment that belongs elsewhere), so the result is what the whole
dump would have written; otherwise the caller dumps the whole file.

Where records start comes from ruamel's line numbers of a fresh parse (:meth:`Layout.of`); after
a splice the lines below the record move by the difference (:meth:`Layout.shifted`), so further
edits of the same file splice again without parsing it again.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each record of each section starts in the file as it is on disk (0-based lines)."""
    starts: dict[str, tuple[int, ...]]  # section → each record's first line (-1: not a mapping)
    bounds: tuple[int, ...]  # sorted: every record's and top-level key's first line, the file's end

    @classmethod
    def of(cls, data: CommentedMap, line_count: int) -> Layout:
        starts: dict[str, tuple[int, ...]] = {}
        lines = {line_count}
        for key, value in data.items():
            lines.add(data.lc.key(key)[0])
            if isinstance(value, CommentedSeq):
                starts[str(key)] = tuple(item.lc.line if isinstance(item, CommentedMap) else -1
                                         for item in value)
                lines.update(line for line in starts[str(key)] if line >= 0)
        return cls(starts, tuple(sorted(lines)))

    def span(self, section: str, index: int) -> tuple[int, int] | None:
        """The record's lines [start, end), or None when they are not known."""
        starts = self.starts.get(section, ())
        if not 0 <= index < len(starts) or starts[index] < 0:
            return None
        start = starts[index]
        after = bisect.bisect_right(self.bounds, start)
        return (start, self.bounds[after]) if after < len(self.bounds) else None

    def shifted(self, start: int, delta: int) -> Layout:
        """The layout after the record at ``start`` grew by ``delta`` lines."""
        def move(line: int) -> int:
            return line + delta if line > start else line
        return Layout({s: tuple(move(x) if x >= 0 else x for x in lines) for s, lines in self.starts.items()},
                      tuple(move(x) for x in self.bounds))


def alone(dump: Callable[[CommentedMap], bytes], section: str, record: Any) -> str:
    """One record as the whole file's dump writes it inside its section (the section line cut)."""
    wrapper = CommentedMap()
    wrapper[section] = CommentedSeq([record])
    return dump(wrapper).decode("utf-8").split("\n", 1)[1]


def splice(raw: bytes, layout: Layout, section: str, index: int, old: str,
           new: str) -> tuple[bytes, Layout] | None:
    """``raw`` with record ``index`` of ``section`` (dumped alone: ``old``) replaced by ``new``,
    and the new layout; None when the file's lines there are not exactly ``old``."""
    if raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw:
        return None  # a BOM or CRLF: the whole dump normalises them, so the splice must not differ
    span = layout.span(section, index)
    if span is None:
        return None
    start, end = span
    lines = raw.decode("utf-8").splitlines(keepends=True)
    if end > len(lines) or "".join(lines[start:end]) != old:
        return None
    text = "".join([*lines[:start], new, *lines[end:]])
    return text.encode("utf-8"), layout.shifted(start, new.count("\n") - old.count("\n"))
