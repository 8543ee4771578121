"""The kiosk's screens: home, lists (units, types, items, notices), an item, a notice, search,
supervision, the admin PIN. Each draws its body into the area between the header and the nav bar
through a :class:`~players.kiosk.ui.Canvas`, so what it shows and where its targets are is in
the render model.

Any item is three taps from home: 按单位查找 → unit → item, or 按权力类型查找 → type → item.
"""

from __future__ import annotations

import bisect
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pygame

from players.kiosk.content import power_type
from players.kiosk.host import Block, Host, Screen
from players.kiosk.ui import Canvas, Label, Model, Rect, Scroller, Target, ground_under
from players.plan import Entry

KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


# -- lists ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    title: str
    detail: str
    action: Callable[[], None]


class ListView:
    """A virtualised list: only visible rows are drawn, each row's surface cached and reused."""

    CACHE = 256  # row surfaces kept (a screen holds ~15 visible; scrolling back reuses them)

    def __init__(self, rows: Sequence[Row], app: Host, *, empty: str = "没有找到相关内容") -> None:
        self.rows, self.app = rows, app
        self.empty = empty  # said when there are no rows (nothing, before a search is typed)
        self.scroll = Scroller()
        self.cache: OrderedDict[tuple[Any, ...], pygame.Surface] = OrderedDict()

    def row_height(self) -> int:
        sizes = self.app.sizes
        return (self.app.fonts.line_height(sizes.body) + self.app.fonts.line_height(sizes.small)
                + 2 * sizes.pad)

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        height = self.row_height()
        self.scroll.set_limit(len(self.rows) * height, h)
        if not self.rows:
            if self.empty:
                canvas.text(self.empty, x, y + self.app.sizes.pad, self.app.sizes.body,
                            colour=canvas.theme.muted, align="centre", width=w)
            return
        first = int(self.scroll.offset // height)
        last = min(len(self.rows), first + h // height + 2)
        self._draw_rows(canvas, area, [(index, index * height, height) for index in range(first, last)])

    def _draw_rows(self, canvas: Canvas, area: Rect, placed: Sequence[tuple[int, int, int]]) -> None:
        """Rows ``(index, top in the list, height)`` drawn, and recorded in the render model."""
        x, y, w, h = area
        sizes, theme = self.app.sizes, canvas.theme
        canvas.surface.set_clip(pygame.Rect(area))
        for index, row_top, height in placed:
            top = y + row_top - int(self.scroll.offset)
            row = self.rows[index]
            surface = self._surface(row, w, height, canvas)
            canvas.surface.blit(surface, (x, top))
            visible = (x, max(top, y), w, min(top + height, y + h) - max(top, y))
            if visible[3] > 0:
                ground = ground_under(surface, (0, 0, w, sizes.pad))  # the row's top margin: no text
                canvas.model.labels.append(Label(visible, row.title, sizes.body, theme.text, ground))
                canvas.model.labels.append(Label(visible, row.detail, sizes.small, theme.muted, ground))
                canvas.target(visible, row.title, row.action)
        canvas.surface.set_clip(None)

    def _surface(self, row: Row, width: int, height: int, canvas: Canvas) -> pygame.Surface:
        key = (row.key, row.title, row.detail, width, height, canvas.theme, self.app.sizes.scale)
        surface = self.cache.get(key)
        if surface is not None:
            self.cache.move_to_end(key)
            return surface
        surface = self._render_row(row, width, height, canvas)
        self.cache[key] = surface
        if len(self.cache) > self.CACHE:
            self.cache.popitem(last=False)
        return surface

    def _render_row(self, row: Row, width: int, height: int, canvas: Canvas) -> pygame.Surface:
        sizes, fonts, theme = self.app.sizes, self.app.fonts, canvas.theme
        surface = pygame.Surface((width, height))
        surface.fill(theme.background)
        room = width - 2 * sizes.pad - fonts.width("  ›", sizes.body)
        title = _fit(fonts, row.title, room, sizes.body, bold=True)
        detail = _fit(fonts, row.detail, room, sizes.small)
        _blit_line(surface, fonts, title, sizes.pad, sizes.pad, sizes.body, theme.text, bold=True)
        _blit_line(surface, fonts, detail, sizes.pad, sizes.pad + fonts.line_height(sizes.body),
                   sizes.small, theme.muted)
        _blit_line(surface, fonts, "›", width - sizes.pad - fonts.width("›", sizes.body),
                   (height - fonts.line_height(sizes.body)) // 2, sizes.body, theme.muted)
        pygame.draw.line(surface, theme.line, (sizes.pad, height - 1), (width - sizes.pad, height - 1), 2)
        return surface


class WrappedListView(ListView):
    """A list whose titles wrap instead of being cut (notices: a telephone number or a date in a
    title must never be cut off); rows are as tall as their titles, up to ``MAX_LINES`` lines."""

    MAX_LINES = 6

    def __init__(self, rows: Sequence[Row], app: Host, **kwargs: Any) -> None:
        super().__init__(rows, app, **kwargs)
        self.laid: tuple[tuple[Any, ...], list[int], dict[str, list[str]]] | None = None

    def _layout(self, width: int) -> tuple[list[int], dict[str, list[str]]]:
        """Each row's top (and the list's end) and its title's lines, for this width and scale."""
        key = (width, self.app.sizes.scale, id(self.rows), len(self.rows))
        if self.laid is None or self.laid[0] != key:
            sizes, fonts = self.app.sizes, self.app.fonts
            room = width - 2 * sizes.pad - fonts.width("  ›", sizes.body)
            tops, lines, y = [], {}, 0
            for row in self.rows:
                wrapped = fonts.wrap(row.title, room, sizes.body, True) or [""]
                if len(wrapped) > self.MAX_LINES:
                    wrapped = [*wrapped[:self.MAX_LINES - 1], _fit(fonts, "".join(
                        wrapped[self.MAX_LINES - 1:]), room, sizes.body, bold=True)]
                lines[row.key] = wrapped
                tops.append(y)
                y += len(wrapped) * fonts.line_height(sizes.body) + fonts.line_height(sizes.small) \
                    + 2 * sizes.pad
            tops.append(y)
            self.laid = (key, tops, lines)
        return self.laid[1], self.laid[2]

    def draw(self, canvas: Canvas, area: Rect) -> None:
        _, _, w, h = area
        if not self.rows:
            super().draw(canvas, area)
            return
        tops, _ = self._layout(w)
        self.scroll.set_limit(tops[-1], h)
        first = max(0, bisect.bisect_right(tops, self.scroll.offset) - 1)
        last = min(len(self.rows), bisect.bisect_left(tops, self.scroll.offset + h) + 1)
        self._draw_rows(canvas, area, [(i, tops[i], tops[i + 1] - tops[i]) for i in range(first, last)])

    def _render_row(self, row: Row, width: int, height: int, canvas: Canvas) -> pygame.Surface:
        sizes, fonts, theme = self.app.sizes, self.app.fonts, canvas.theme
        _, lines = self._layout(width)
        surface = pygame.Surface((width, height))
        surface.fill(theme.background)
        room = width - 2 * sizes.pad - fonts.width("  ›", sizes.body)
        line = fonts.line_height(sizes.body)
        for number, text in enumerate(lines.get(row.key) or [row.title]):
            _blit_line(surface, fonts, text, sizes.pad, sizes.pad + number * line, sizes.body, theme.text,
                       bold=True)
        detail_top = height - sizes.pad - fonts.line_height(sizes.small)
        _blit_line(surface, fonts, _fit(fonts, row.detail, room, sizes.small), sizes.pad, detail_top,
                   sizes.small, theme.muted)
        _blit_line(surface, fonts, "›", width - sizes.pad - fonts.width("›", sizes.body),
                   (height - line) // 2, sizes.body, theme.muted)
        pygame.draw.line(surface, theme.line, (sizes.pad, height - 1), (width - sizes.pad, height - 1), 2)
        return surface


def _fit(fonts: Any, text: str, width: int, size: int, bold: bool = False) -> str:
    """One line of ``text`` that fits, with … when it had to be cut (full text on the next page).

    Characters are measured one by one (each advance is cached), not the string re-measured
    after every cut."""
    if fonts.width(text, size, bold) <= width:
        return text
    room, used = width - fonts.width("…", size, bold), 0
    for index, char in enumerate(text):
        used += fonts.width(char, size, bold)
        if used > room:
            return text[:index] + "…"
    return text


def _blit_line(surface: pygame.Surface, fonts: Any, text: str, x: int, y: int, size: int,
               colour: tuple[int, int, int], bold: bool = False) -> None:
    image = fonts.render(text, size, colour, bold)
    surface.blit(image, (x, y + fonts.baseline(size) - fonts.ascent(size)))


class ListScreen(Screen):
    """A titled list of rows (units, types, items, notices), rebuilt from the content in use
    whenever a new version is taken (see :meth:`players.kiosk.app.KioskApp.navigated`)."""

    def __init__(self, app: Host, title: str, rows: Callable[[], Sequence[Row]], intro: str = "", *,
                 view: type[ListView] = ListView) -> None:
        super().__init__(app)
        self.title, self.intro, self.build = title, intro, rows
        self.list = view(rows(), app)
        self.scroll = self.list.scroll

    def refresh(self) -> None:
        self.list.rows = self.build()
        self.list.cache.clear()

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        top = y
        if self.intro:
            top += canvas.paragraph(self.intro, x, y, w, self.app.sizes.small, colour=canvas.theme.muted)
            top += self.app.sizes.pad
        self.list.draw(canvas, (x, top, w, h - (top - y)))


def unit_list(app: Host) -> ListScreen:
    def rows() -> list[Row]:
        content = app.content
        return [Row(uid, content.unit_name(uid), f"{len(items)} 项行政权力事项",
                    lambda uid=uid: app.push(unit_items(app, uid)))
                for uid, items in content.by_unit.items()]

    return ListScreen(app, "按单位查找", rows)


def type_list(app: Host) -> ListScreen:
    def rows() -> list[Row]:
        return [Row(kind, kind, f"{len(items)} 项", lambda kind=kind: app.push(_type_items(app, kind)))
                for kind, items in app.content.by_type.items()]

    return ListScreen(app, "按权力类型查找", rows)


def unit_items(app: Host, uid: str) -> ListScreen:
    """A unit's items: the unit is the page's title, so its rows do not repeat it."""
    return ListScreen(app, app.content.unit_name(uid),
                      lambda: item_rows(app, app.content.by_unit.get(uid, []), unit=False))


def _type_items(app: Host, kind: str) -> ListScreen:
    return item_list(app, kind, lambda: app.content.by_type.get(kind, []))


def item_rows(app: Host, entries: Sequence[Entry], *, unit: bool = True) -> list[Row]:
    """Rows that open their entry; ``unit=False`` where the page is the unit's own list."""
    return [Row(f"{e.kind}/{e.unit}/{e.key}", _entry_title(e), _entry_detail(app, e, unit),
                lambda e=e: app.open(e)) for e in entries]


def item_list(app: Host, title: str,
              entries: Sequence[Entry] | Callable[[], Sequence[Entry]]) -> ListScreen:
    """Items under ``title``; pass a function of the content to follow new versions."""
    source = entries if callable(entries) else (lambda: entries)
    return ListScreen(app, title, lambda: item_rows(app, source()))


def notice_list(app: Host) -> ListScreen:
    """Notices with their whole titles (wrapped): a title often carries a telephone or a date."""
    return ListScreen(app, "通知公告",
                      lambda: item_rows(app, [*app.content.announcements, *app.content.notices]),
                      view=WrappedListView)


def _entry_title(entry: Entry) -> str:
    data = entry.data
    return str(data.get("name") or data.get("title") or data.get("text") or entry.key)


def _entry_detail(app: Host, entry: Entry, unit: bool = True) -> str:
    data = entry.data
    if entry.kind == "powers":
        parts = [power_type(entry), str(data.get("code", ""))]
        if unit:
            parts.append(app.content.unit_name(entry.unit))
        else:  # in the unit's own list: how long it takes instead of the unit's name again
            parts.append(_limits(data.get("promised_days"), None))
        return " · ".join(p for p in parts if p)
    if entry.kind == "notices":
        return " · ".join(str(p) for p in (data.get("kind"), data.get("doc_number"), data.get("date")) if p)
    return "公告"


# -- an item, a notice --------------------------------------------------------------------------


class DetailScreen(Screen):
    """What a citizen asks first (where, when, how long, how much, what to bring, whom to ask),
    then every other standard field, the flowchart and a QR code; the supervision telephone
    stays on top.

    The page is laid out once into blocks; only the blocks in view are drawn as it scrolls."""

    def __init__(self, app: Host, entry: Entry) -> None:
        super().__init__(app)
        self.entry = entry
        self.title = _entry_title(entry)
        self.scroll = Scroller()
        self.blocks: Sequence[Block] | None = None
        self.view: Rect = (0, 0, 0, 0)  # where the blocks scroll, as last drawn
        self.block_key: tuple[Any, ...] | None = None

    def speech(self) -> str:
        return "。".join(f"{label}：{value}" for label, value, _ in self.fields()) or self.title

    def refresh(self) -> None:
        """The same item in the new version, if it is still published (else the page stays)."""
        content = self.app.content
        key = (self.entry.kind, self.entry.unit, self.entry.key)
        for entry in (*content.powers, *content.notices, *content.announcements, *content.urgent):
            if (entry.kind, entry.unit, entry.key) == key:
                self.entry, self.title, self.blocks = entry, _entry_title(entry), None
                return

    def fields(self) -> list[tuple[str, str, bool]]:
        """(label, value, leads): the fields in the order a citizen asks, the first ones leading."""
        data = self.entry.data
        lead: tuple[str, ...] = ()
        if self.entry.kind == "notices":
            pairs = [("标题", data.get("title")), ("文号", data.get("doc_number")),
                     ("发文机关", data.get("issuer")), ("日期", data.get("date")),
                     ("摘要", data.get("summary")), ("正文", data.get("body"))]
        elif self.entry.kind == "announcements":
            pairs = [("公告", data.get("text"))]
        else:
            fee = data.get("fee") or {}
            free = fee.get("charged") in (None, "", False, "否")
            charges = "；".join(str(p) for p in (fee.get("standard"), fee.get("basis")) if p) or "收费"
            lead = ("办理地点", "办理时间", "办理时限", "收费", "申请材料", "咨询电话")
            pairs = [
                ("办理地点", data.get("place")), ("办理时间", data.get("hours")),
                ("办理时限", _limits(data.get("promised_days"), data.get("statutory_days"))),
                ("收费", "不收费" if free else charges),
                ("申请材料", _numbered(data.get("materials"))),
                ("咨询电话", data.get("consult_phone")),
                ("事项名称", data.get("name")), ("受理条件", data.get("conditions")),
                ("实施主体", data.get("implementing_unit")), ("承办机构", data.get("department")),
                ("权力类型", power_type(self.entry)), ("事项编码", data.get("code")),
                ("设定依据", _lines(data.get("legal_basis"))),
                ("监督电话", data.get("supervision_phone")),
            ]
        return [(label, str(value), label in lead) for label, value in pairs if value not in (None, "", [])]

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        top = y + self._supervision(canvas, (x, y, w, h))
        view = self.view = (x, top, w, h - (top - y))
        blocks = self._blocks(w, canvas)
        # The page ends at the last block's bottom: the gaps between blocks count.
        self.scroll.set_limit(blocks[-1].bottom if blocks else 0, view[3])
        canvas.surface.set_clip(pygame.Rect(view))
        for block in blocks:
            screen_y = top + block.top - int(self.scroll.offset)
            if screen_y + block.surface.get_height() >= top and screen_y <= top + view[3]:
                canvas.surface.blit(block.surface, (x, screen_y))
            # the model holds the page's text even out of view, where it would be on screen
            canvas.model.labels.extend(label.moved(x, screen_y) for label in block.labels)
        canvas.surface.set_clip(None)

    def _supervision(self, canvas: Canvas, area: Rect) -> int:
        """The supervision telephone, always in view: citizens came to complain, too."""
        phone = self.entry.data.get("supervision_phone") or self.app.content.county.get("supervision_phone")
        if not phone or self.entry.kind != "powers":
            return 0
        x, y, w, _ = area
        sizes = self.app.sizes
        height = self.app.fonts.line_height(sizes.heading) + 2 * sizes.pad
        pygame.draw.rect(canvas.surface, canvas.theme.banner, pygame.Rect(x, y, w, height), border_radius=12)
        canvas.text(f"☎ 监督投诉电话 {phone}", x, y + sizes.pad, sizes.heading,
                    colour=canvas.theme.banner_text, bold=True, align="centre", width=w)
        return height + sizes.pad

    def _blocks(self, width: int, canvas: Canvas) -> Sequence[Block]:
        key = (width, canvas.theme, self.app.sizes.scale)
        if self.blocks is None or self.block_key != key:
            self.blocks, self.block_key = self.app.page_blocks(self, width, canvas.theme), key
        return self.blocks


def _lines(value: Any) -> str:
    return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def _numbered(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(f"{n}. {v}" for n, v in enumerate(value, 1))
    return str(value or "")


def _limits(promised: Any, statutory: Any) -> str:
    """How long it takes: the promised limit first (what the office commits to), the statutory one after."""
    parts = [f"承诺{_days(promised)}" if _days(promised) else "",
             f"法定{_days(statutory)}" if _days(statutory) else ""]
    return "，".join(p for p in parts if p)


def _days(value: Any) -> str:
    return f"{value}个工作日" if value not in (None, "") else ""


# -- search -------------------------------------------------------------------------------------


class SearchScreen(Screen):
    """An on-screen keyboard (letters, digits) and results that update on every key."""

    title = "搜索事项"

    def __init__(self, app: Host) -> None:
        super().__init__(app)
        self.query = ""
        self.results = ListView([], app, empty="")
        self.scroll = self.results.scroll
        self._keys: tuple[Any, pygame.Surface, list[Target], list[Label]] | None = None

    def refresh(self) -> None:
        self.type("")  # the same query against the new index

    def type(self, key: str) -> None:
        if key == "":
            pass
        elif key == "退格":
            self.query = self.query[:-1]
        elif key == "清空":
            self.query = ""
        else:
            self.query += key.lower()
        index = self.app.content.wait_index() if self.query else None
        hits = index.search(self.query, limit=200) if index is not None else []
        cache = self.results.cache  # rows already drawn for the last query are reused
        self.results = ListView(item_rows(self.app, [hit.entry for hit in hits]), self.app,
                                empty="没有找到相关内容，请换个拼音或编码试试" if self.query else "")
        self.results.cache = cache
        self.scroll = self.results.scroll

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        sizes = self.app.sizes
        box_h = self.app.fonts.line_height(sizes.heading) + 2 * sizes.pad
        pygame.draw.rect(canvas.surface, canvas.theme.line, pygame.Rect(x, y, w, box_h), width=3,
                         border_radius=10)
        shown = self.query.upper() if self.query else "输入拼音首字母、拼音或编码"
        colour = canvas.theme.text if self.query else canvas.theme.muted
        canvas.text(shown, x + sizes.pad, y + sizes.pad, sizes.heading, colour=colour)
        keyboard_h = self._keyboard(canvas, (x, y + h, w, 0))
        count = f"找到 {len(self.results.rows)} 项" if self.query else ""
        top = y + box_h + sizes.pad
        if count:
            canvas.text(count, x, top, sizes.small, colour=canvas.theme.muted)
            top += self.app.fonts.line_height(sizes.small)
        self.results.draw(canvas, (x, top, w, y + h - keyboard_h - sizes.pad - top))

    def _keyboard(self, canvas: Canvas, bottom: Rect) -> int:
        """Keys at the bottom of the area, each at least 12 mm; returns the keyboard height.

        Drawn once per size and theme and then blitted: forty buttons a frame would cost more
        than the search itself."""
        x, bottom_y, w, _ = bottom
        key = (w, canvas.theme, self.app.sizes.scale)
        if self._keys is None or self._keys[0] != key:
            self._keys = (key, *self._draw_keyboard(canvas, w))
        _, image, targets, labels = self._keys
        top = bottom_y - image.get_height()
        canvas.surface.blit(image, (x, top))
        for target in targets:
            tx, ty, tw, th = target.rect
            canvas.model.targets.append(Target((x + tx, top + ty, tw, th), target.label, target.action,
                                               target.kind))
        canvas.model.labels.extend(label.moved(x, top) for label in labels)
        return image.get_height()

    def _draw_keyboard(self, canvas: Canvas, width: int) -> tuple[pygame.Surface, list[Target], list[Label]]:
        layout, sizes = self.app.layout, self.app.sizes
        gap = layout.px(1.5)
        key_w = (width - gap * 9) // 10
        key_h = max(layout.px(13), min(key_w, layout.px(17)))
        rows = [*KEY_ROWS, "退格 清空"]
        image = pygame.Surface((width, len(rows) * key_h + (len(rows) - 1) * gap))
        image.fill(canvas.theme.background)
        board = Canvas(image, canvas.fonts, canvas.theme, Model())
        for index, keys in enumerate(rows):
            labels = keys.split() if " " in keys else list(keys)
            key_width = key_w if index < len(KEY_ROWS) else key_w * 3
            left = (width - len(labels) * key_width - gap * (len(labels) - 1)) // 2
            for label in labels:
                board.button((left, index * (key_h + gap), key_width, key_h), label,
                             lambda k=label: self.type(k), sizes.body, kind="key",
                             fill=canvas.theme.background, colour=canvas.theme.text)
                left += key_width + gap
        return image, board.model.targets, board.model.labels


# -- home, supervision, admin -------------------------------------------------------------------


class HomeScreen(Screen):
    """What a citizen walking up needs, over the whole screen: the five ways in as large tiles,
    the supervision line, what is newly published and the most-used items (each one tap away)."""

    title = ""
    SECTION_ROWS = 5  # at most this many rows under 最新公开 and under 常用事项

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        sizes, gap = self.app.sizes, self.app.layout.px(5)
        intro = "请点击下方按钮查询行政权力事项、办事指南和通知公告"
        top = y + canvas.paragraph(intro, x, y, w, sizes.body, colour=canvas.theme.muted) + gap
        top = self._tiles(canvas, (x, top, w, h * 9 // 20)) + gap
        top = self._supervision(canvas, (x, top, w, 0)) + gap
        row_h = self._row_height()
        head_h = self.app.fonts.line_height(sizes.heading) + sizes.pad
        fit = max(0, (y + h - top - 2 * head_h - gap) // (2 * row_h))
        count = min(self.SECTION_ROWS, fit)
        if count:
            top = self._section(canvas, (x, top, w), "最新公开", latest(self.app.content, count)) + gap
            self._section(canvas, (x, top, w), "常用事项", popular(self.app.content, self.app.opened, count))

    def _tiles(self, canvas: Canvas, area: Rect) -> int:
        """搜索事项 across the top, four tiles in two columns under it; returns their bottom."""
        x, y, w, h = area
        content, layout, sizes = self.app.content, self.app.layout, self.app.sizes
        gap = layout.px(5)
        columns = 2 if w >= layout.px(180) else 1
        tile_w = (w - gap * (columns - 1)) // columns
        tiles = [
            ("按单位查找", f"{len(content.by_unit)} 个单位", lambda: self.app.push(unit_list(self.app))),
            ("按权力类型查找", f"{len(content.by_type)} 类 {len(content.powers)} 项",
             lambda: self.app.push(type_list(self.app))),
            ("通知公告", f"{len(content.notices) + len(content.announcements)} 条",
             lambda: self.app.push(notice_list(self.app))),
            ("监督投诉", "各单位监督电话", lambda: self.app.push(SupervisionScreen(self.app))),
        ]
        rows = 1 + -(-len(tiles) // columns)
        tile_h = max(layout.px(30), (h - gap * (rows - 1)) // rows)
        canvas.button((x, y, w, tile_h), "搜索事项", lambda: self.app.push(SearchScreen(self.app)),
                      sizes.title, kind="tile", sub="拼音首字母 · 拼音 · 编码")
        for index, (label, sub, action) in enumerate(tiles):
            column, row = index % columns, 1 + index // columns
            rect = (x + column * (tile_w + gap), y + row * (tile_h + gap), tile_w, tile_h)
            canvas.button(rect, label, action, sizes.title, kind="tile", sub=sub)
        return y + rows * tile_h + (rows - 1) * gap

    def _supervision(self, canvas: Canvas, area: Rect) -> int:
        x, y, w, _ = area
        sizes = self.app.sizes
        phone = self.app.content.county.get("supervision_phone") or ""
        if not phone:
            return y
        height = self.app.fonts.line_height(sizes.heading) + 2 * sizes.pad
        canvas.button((x, y, w, height), f"☎ 政务公开监督投诉电话 {phone}",
                      lambda: self.app.push(SupervisionScreen(self.app)), sizes.heading,
                      fill=canvas.theme.banner, colour=canvas.theme.banner_text)
        return y + height

    def _row_height(self) -> int:
        fonts, sizes = self.app.fonts, self.app.sizes
        return fonts.line_height(sizes.body) + fonts.line_height(sizes.small) + sizes.pad

    def _section(self, canvas: Canvas, at: tuple[int, int, int], heading: str,
                 entries: Sequence[Entry]) -> int:
        """A heading and one row per entry (title, and its kind or unit below); returns the bottom."""
        x, y, w = at
        fonts, sizes, theme = self.app.fonts, self.app.sizes, canvas.theme
        if not entries:
            return y
        canvas.text(heading, x, y, sizes.heading, colour=theme.accent, bold=True)
        top = y + fonts.line_height(sizes.heading) + sizes.pad
        row_h = self._row_height()
        for entry in entries:
            title = _fit(fonts, _entry_title(entry), w - sizes.pad, sizes.body, bold=True)
            canvas.text(title, x, top, sizes.body, bold=True)
            detail = _fit(fonts, _entry_detail(self.app, entry), w - sizes.pad, sizes.small)
            canvas.text(detail, x, top + fonts.line_height(sizes.body), sizes.small, colour=theme.muted)
            canvas.target((x, top, w, row_h), _entry_title(entry), lambda e=entry: self.app.open(e))
            pygame.draw.line(canvas.surface, theme.line, (x, top + row_h - 2), (x + w, top + row_h - 2), 2)
            top += row_h
        return top


def latest(content: Any, count: int) -> list[Entry]:
    """The newest notices by date (the date as published, ISO: sorts as text)."""
    return sorted(content.notices, key=lambda e: str(e.data.get("date") or ""), reverse=True)[:count]


def popular(content: Any, opened: Mapping[str, int], count: int) -> list[Entry]:
    """The items opened most on this kiosk; until there are enough, the county's first items of
    the kinds citizens apply for (许可, 给付, 确认) fill in, in catalogue order."""
    powers = content.powers
    seen = sorted((e for e in powers if opened.get(_entry_key(e))), key=lambda e: -opened[_entry_key(e)])
    applied = [e for e in powers if power_type(e) in ("行政许可", "行政给付", "行政确认") and e not in seen]
    return [*seen, *applied, *(e for e in powers if e not in seen and e not in applied)][:count]


def _entry_key(entry: Entry) -> str:
    return f"{entry.kind}/{entry.unit}/{entry.key}"


class SupervisionScreen(Screen):
    title = "监督投诉"

    def __init__(self, app: Host) -> None:
        super().__init__(app)
        phone = app.content.county.get("supervision_phone") or ""
        self.intro = (f"对政务公开和行政权力运行有意见或投诉，请拨打县政务公开监督电话 {phone}，"
                      "或拨打各单位监督电话：")
        self.list = ListView(self._rows(), app)
        self.scroll = self.list.scroll

    def _rows(self) -> list[Row]:
        app, content = self.app, self.app.content
        return [Row(uid, content.unit_name(uid), f"监督电话 {unit.get('supervision_phone', '')}",
                    lambda uid=uid: app.push(unit_items(app, uid)))
                for uid, unit in content.units.items() if unit and unit.get("supervision_phone")]

    def refresh(self) -> None:
        self.list.rows = self._rows()
        self.list.cache.clear()

    def speech(self) -> str:
        return self.intro

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        used = canvas.paragraph(self.intro, x, y, w, self.app.sizes.body, bold=True)
        self.list.draw(canvas, (x, y + used + self.app.sizes.pad, w, h - used - self.app.sizes.pad))


class PinScreen(Screen):
    """The administrator's PIN, after the corner gesture; the right PIN closes the kiosk."""

    title = "管理员"

    def __init__(self, app: Host) -> None:
        super().__init__(app)
        self.pin = ""
        self.message = "请输入管理员密码"

    def press(self, key: str) -> None:
        if key == "退格":
            self.pin = self.pin[:-1]
        elif key == "确定":
            if self.app.layout.pin_ok(self.pin):
                self.app.exit_requested = True
            self.pin, self.message = "", "密码错误"
        elif len(self.pin) < 12:
            self.pin += key

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, _ = area
        sizes, layout = self.app.sizes, self.app.layout
        canvas.text(self.message, x, y, sizes.heading, align="centre", width=w)
        canvas.text("●" * len(self.pin) or " ", x, y + layout.px(16), sizes.heading, align="centre", width=w)
        key = layout.px(20)
        gap = layout.px(3)
        left = x + (w - 3 * key - 2 * gap) // 2
        for index, label in enumerate([*"123456789", "退格", "0", "确定"]):
            row, column = divmod(index, 3)
            rect = (left + column * (key + gap), y + layout.px(34) + row * (key + gap), key, key)
            canvas.button(rect, label, lambda k=label: self.press(k), sizes.body, kind="key")
