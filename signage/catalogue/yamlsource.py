"""Reading one YAML file into plain values that remember their line numbers.

Why not ``yaml.load``: PyYAML keeps the last of two duplicate keys silently, forgets where each
value came from, and guesses types (``no`` becomes False, ``0412`` an octal number). We compose
the node tree with libyaml's C parser and build the values ourselves: every scalar stays the
text the unit typed (the model converts it per field), every mapping records the line of each
key, and duplicate keys are reported.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from signage.catalogue.findings import Finding, Location
from signage.catalogue.rules import loading as rules

try:  # libyaml's C parser when present (Debian's python3-yaml and the PyPI wheels have it)
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - pure-Python fallback
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_VALUES = 2_000_000  # bounds alias expansion ("billion laughs")

_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))


class _Composer(_Parser):
    """The C parser with a resolver that types nothing but null: the model types each field."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else _STR_TAG
        return _MAP_TAG if kind is MappingNode else _SEQ_TAG

    def descend_resolver(self, parent: Any, index: Any) -> None:
        """No path-based resolvers: nothing to track."""

    def ascend_resolver(self) -> None:
        """No path-based resolvers: nothing to track."""


class LocatedDict(dict):
    """A mapping from YAML that knows its own line and the (line, column) of each key."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: dict[str, tuple[int, int]] = {}

    def line_of(self, key: str) -> int:
        return self.lines.get(key, (self.line, 0))[0]


class LocatedList(list):
    """A sequence from YAML that knows its own line and the line of each element."""

    __slots__ = ("line", "lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.lines: list[int] = []


@dataclass(slots=True)
class SourceDocument:
    """A file's values (None when unreadable), its encoding, and what went wrong reading it."""

    path: str
    data: Any
    encoding: str | None
    findings: list[Finding] = field(default_factory=list)


def read_yaml(path: Path, display: str) -> SourceDocument:
    """Read ``path``; problems are findings located at ``display`` (the path shown to users)."""
    doc = SourceDocument(display, None, None)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.findings.append(rules.UNREADABLE.finding(Location(display), reason=exc.strerror))
        return doc
    if len(raw) > MAX_FILE_BYTES:
        doc.findings.append(
            rules.UNREADABLE.finding(Location(display), reason=f"文件过大（{len(raw)} 字节）")
        )
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    if "\x00" in text:
        doc.findings.append(rules.UNREADABLE.finding(Location(display), reason="含有 NUL 字节，不是文本文件"))
        return doc
    return _compose(text, doc)


def _decode(raw: bytes, doc: SourceDocument) -> str | None:
    """UTF-8 (with or without BOM) silently; UTF-16 and GB18030/GBK with a warning."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]
    else:
        candidates = [("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030")]
    first_error: UnicodeDecodeError | None = None
    for codec, label in candidates:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        doc.encoding = label
        if label != "UTF-8":
            doc.findings.append(rules.NOT_UTF8.finding(Location(doc.path, 1), encoding=label))
        return text
    assert first_error is not None
    line = raw.count(b"\n", 0, first_error.start) + 1
    doc.findings.append(
        rules.UNDECODABLE.finding(Location(doc.path, line), offset=first_error.start)
    )
    return None


def _compose(text: str, doc: SourceDocument) -> SourceDocument:
    parser = _Composer(text)
    try:
        node = parser.get_single_node()
    except yaml.MarkedYAMLError as exc:
        doc.findings.append(_syntax_finding(exc, text, doc.path))
        return doc
    except (yaml.YAMLError, RecursionError) as exc:
        doc.findings.append(rules.YAML_SYNTAX.finding(
            Location(doc.path), problem=f"文件无法解析（技术信息：{exc}）"))
        return doc
    finally:
        parser.dispose()
    if node is None:
        doc.data = LocatedDict(1)
        return doc
    walker = _Walker(doc)
    try:
        doc.data = walker.walk(node)
        if doc.data is None:  # a document of just `~` or `null`: as good as an empty file
            doc.data = LocatedDict(1)
    except _TooLarge:
        doc.findings.append(rules.TOO_MANY_VALUES.finding(Location(doc.path), limit=MAX_VALUES))
    except RecursionError:
        doc.findings.append(
            rules.YAML_SYNTAX.finding(Location(doc.path), problem="嵌套层次过深")
        )
    return doc


# PyYAML's problems in the words of a clerk; the parser's English follows as technical detail.
_PROBLEMS = (
    ("found unexpected end of stream", "quoted scalar",
     "引号没有成对：从这里开始的引号直到文件末尾都没有结束"),
    ("did not find expected ',' or ']'", "", "方括号 [ ] 没有成对，或列表中的逗号缺失"),
    ("did not find expected ',' or '}'", "", "花括号 { } 没有成对，或逗号缺失"),
    ("mapping values are not allowed", "",
     "这里不能出现“字段: 值”：上一行缩进不对，或文字中的冒号“:”需要加引号"),
    ("did not find expected key", "", "缩进不一致：同一层的字段要左对齐"),
    ("did not find expected '-' indicator", "", "缩进不一致：列表的每一项都要以对齐的“- ”开头"),
    ("could not find expected ':'", "", "缺少冒号“:”，或文字中有未加引号的特殊字符"),
    ("found undefined alias", "", "引用了未定义的别名（* 开头的文字请加引号）"),
    ("found character that cannot start any token", "",
     "有 YAML 不允许出现在开头的字符（如 @、`、% 开头的文字请加引号）"),
)


def _syntax_finding(exc: yaml.MarkedYAMLError, text: str, path: str) -> Any:
    # An unclosed bracket or quote is noticed where the file ends or the next key starts; the
    # clerk needs the line where it was opened (the context mark).
    opened = (exc.context or "").startswith(("while parsing a flow", "while scanning a quoted"))
    mark = (exc.context_mark if opened else None) or exc.problem_mark or exc.context_mark
    where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path)
    detail = " ".join(filter(None, [exc.context, exc.problem]))
    if mark is not None:
        line = text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else ""
        if "\t" in line[:len(line) - len(line.lstrip())] or (
                mark.column < len(line) and line[mark.column] == "\t"):
            return rules.TAB_INDENT.finding(where, None, line=mark.line + 1, detail=detail)
    for needle, context, chinese in _PROBLEMS:
        if needle in (exc.problem or "") and context in (exc.context or ""):
            return rules.YAML_SYNTAX.finding(where, problem=f"{chinese}（技术信息：{detail}）")
    return rules.YAML_SYNTAX.finding(where, problem=f"无法解析此处（技术信息：{detail}）")


class _TooLarge(Exception):
    pass


class _Walker:
    """Builds LocatedDict/LocatedList/str/None from composed nodes, reporting duplicate keys."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.budget = MAX_VALUES

    def walk(self, node: yaml.Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _TooLarge
        if node.__class__ is ScalarNode:
            return None if node.tag == _NULL_TAG else node.value
        if node.__class__ is MappingNode:
            return self._mapping(node)
        return self._sequence(node)

    def _mapping(self, node: MappingNode) -> LocatedDict:
        result = LocatedDict(node.start_mark.line + 1)
        lines = result.lines
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            where = (mark.line + 1, mark.column + 1)
            if key_node.__class__ is not ScalarNode:
                self._report(rules.BAD_KEY, where, key="(复合键)")
                continue
            key = key_node.value
            if key in lines:
                self._report(rules.DUPLICATE_KEY, where, key=key, first=lines[key][0])
                continue
            lines[key] = where
            result[key] = self.walk(value_node)
        return result

    def _sequence(self, node: SequenceNode) -> LocatedList:
        result = LocatedList(node.start_mark.line + 1)
        for child in node.value:
            result.lines.append(child.start_mark.line + 1)
            result.append(self.walk(child))
        return result

    def _report(self, rule: Any, where: tuple[int, int], **values: Any) -> None:
        location = Location(self.doc.path, *where)
        self.doc.findings.append(rule.finding(location, values.get("key"), **values))
