"""A content file edited in place: ruamel.yaml's round-trip mode keeps the clerk's comments, key
order and quoting; a save is refused when the file changed since the form was opened (no lost
update) and is written atomically through signage.contract.files (never half a file)."""

from __future__ import annotations

import copy
import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from signage.console.editing.splice import Layout, alone, splice
from signage.contract.files import atomic_write

KEY_FIELDS = {"powers": ("code", "name"), "notices": ("doc_number", "title"), "announcements": ("id",)}
_WRITE_LOCK = threading.Lock()  # one check-and-write at a time in this process


class DocumentError(Exception):
    """Something a user can fix, said in Chinese (file and what to do)."""


class Conflict(DocumentError):
    pass


@dataclass(slots=True)
class Edit:
    """The one record a copy-on-write document changes, and that record as parsed (unchanged)."""
    section: str
    index: int
    original: CommentedMap


@dataclass(slots=True)
class Document:
    path: Path
    data: CommentedMap
    version: str  # sha256 of the bytes read: the form carries it back
    layout: Layout | None = None  # where records start in the file (None: unknown, dump it whole)
    edit: Edit | None = None  # set by load_for_edit(path, section, key)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a clerk's long line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def version_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def load(path: Path) -> Document:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError(f"{path.name} 不是 UTF-8 编码，工作台无法修改：请用 signage check 查看，"
                            "另存为 UTF-8 后再编辑。") from None
    try:
        data = _yaml().load(text)
    except Exception as exc:  # ruamel raises many kinds; the checker reports the detail
        raise DocumentError(f"{path.name} 无法读取（{type(exc).__name__}）：先修正文件格式错误。") from None
    if not isinstance(data, CommentedMap):
        raise DocumentError(f"{path.name} 顶层不是键值对：先修正文件格式错误。")
    return Document(path, data, version_of(raw), Layout.of(data, len(text.splitlines())))


_cache: dict[Path, tuple[tuple[int, int], Document]] = {}
_CACHE_FILES = 32


def load_shared(path: Path) -> Document:
    """A parsed file for reading only (forms, live check): ruamel's round-trip parser is pure
    Python (a few hundred ms for a 60-item file), so a file is parsed once per version."""
    info = path.stat()
    stamp = (info.st_mtime_ns, info.st_size)
    cached = _cache.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    document = load(path)
    if len(_cache) >= _CACHE_FILES:
        _cache.pop(next(iter(_cache)))
    _cache[path] = (stamp, document)
    return document


def load_for_edit(path: Path, section: str | None = None, key: str | None = None) -> Document:
    """A private copy of the parsed file to change and save. With ``section`` and ``key`` the copy
    is copy-on-write: a new top-level map and section list that share every record but that one,
    which is deep-copied. ruamel's deepcopy of a whole file costs tens of ms (its lists copy their
    attributes once per element) and parsing again hundreds; the save still checks the version."""
    shared = load_shared(path)
    if section is None or key is None:
        return Document(shared.path, copy.deepcopy(shared.data), shared.version)
    records = shared.data.get(section)
    if not isinstance(records, CommentedSeq):
        return Document(shared.path, copy.deepcopy(shared.data), shared.version)
    top = shared.data.copy()  # same keys in the same order; comments and line info shared, unchanged
    items = CommentedSeq(records)
    records.copy_attributes(items)
    edit = None
    for index, record in enumerate(items):
        if record_key(section, record) == key:
            items[index] = copy.deepcopy(record)
            edit = Edit(section, index, record)
    top[section] = items
    return Document(shared.path, top, shared.version, shared.layout, edit)


def _remember(document: Document, raw: bytes, layout: Layout | None) -> None:
    """The file as just written, for the next reader (the form shown after a save, the approval).
    The document is handed over: its writer does not change it after the save. Without a layout
    (the whole file was dumped, lines may have moved) the next editor parses the file again."""
    if layout is None:
        _cache.pop(document.path, None)
        return
    info = document.path.stat()
    if len(_cache) >= _CACHE_FILES:
        _cache.pop(next(iter(_cache)))
    _cache[document.path] = ((info.st_mtime_ns, info.st_size),
                             Document(document.path, document.data, version_of(raw), layout))


def dump(data: CommentedMap) -> bytes:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue().encode("utf-8")


def record_key(section: str, record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    for name in KEY_FIELDS[section]:
        value = record.get(name)
        if value not in (None, ""):
            return str(value)
    return ""


def find(document: Document, section: str, key: str) -> CommentedMap:
    for record in document.data.get(section) or []:
        if record_key(section, record) == key:
            return record
    raise DocumentError(f"{document.path.name} 中没有“{key}”：它可能刚被别人改名或删除，请返回列表。")


def _spliced(document: Document, raw: bytes) -> tuple[bytes, Layout] | None:
    """The file with only the edited record's lines rewritten (see splice.py), or None."""
    edit = document.edit
    if edit is None or document.layout is None:
        return None
    records = document.data.get(edit.section)
    if not isinstance(records, CommentedSeq) or edit.index >= len(records):
        return None
    return splice(raw, document.layout, edit.section, edit.index,
                  alone(dump, edit.section, edit.original), alone(dump, edit.section, records[edit.index]))


def save(document: Document, expected_version: str) -> str:
    """Write ``document`` if its file is still the version the editor opened; the new version."""
    with _WRITE_LOCK:
        raw = document.path.read_bytes()
        current = version_of(raw)
        if current != expected_version:
            raise Conflict(f"{document.path.name} 在您打开表单后已被修改（可能是同事或表格导入）。"
                           "您的修改没有保存：请重新打开，核对后再修改。")
        spliced = _spliced(document, raw) if document.version == current else None
        data, layout = spliced if spliced is not None else (dump(document.data), None)
        atomic_write(document.path, data)
        _remember(document, data, layout)
    return version_of(data)


def plain(value: Any) -> Any:
    """ruamel's commented values as plain dicts, lists and scalars (for diffs and JSON)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def set_field(record: CommentedMap, name: str, value: Any) -> None:
    """Set, replace or (value None) remove one field, keeping the others where they are."""
    if value is None:
        record.pop(name, None)
        return
    if name in record:
        record[name] = value
        return
    position = list(record).index("review") if "review" in record else len(record)
    record.insert(position, name, value)


def seq(items: list[Any], flow: bool = False) -> CommentedSeq:
    result = CommentedSeq(items)
    if flow:
        result.fa.set_flow_style()
    return result
