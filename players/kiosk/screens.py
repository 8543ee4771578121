"""The kiosk's screens: home, lists (units, types, items, notices), an item, a notice, search,
supervision, the admin PIN. Each draws its body into the area between the header and the nav bar
through a :class:`~players.kiosk.ui.Canvas`, so what it shows and where its targets are is in
the render model.

Any item is three taps from home: 按单位查找 → unit → item, or 按权力类型查找 → type → item.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygame

from players.kiosk.content import power_type
from players.kiosk.host import Host, Screen
from players.kiosk.ui import Canvas, Model, Rect, Scroller, Target
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

    def __init__(self, rows: Sequence[Row], app: Host) -> None:
        self.rows, self.app = rows, app
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
            canvas.text("没有找到相关内容", x, y + self.app.sizes.pad, self.app.sizes.body,
                        colour=canvas.theme.muted, align="centre", width=w)
            return
        first = int(self.scroll.offset // height)
        last = min(len(self.rows), first + h // height + 2)
        canvas.surface.set_clip(pygame.Rect(area))
        for index in range(first, last):
            top = y + index * height - int(self.scroll.offset)
            row = self.rows[index]
            canvas.surface.blit(self._surface(row, w, height, canvas), (x, top))
            visible = (x, max(top, y), w, min(top + height, y + h) - max(top, y))
            if visible[3] > 0:
                canvas.model.labels.append(_label(visible, row.title, self.app.sizes.body))
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


def _label(rect: Rect, text: str, size: int) -> Any:
    from players.kiosk.ui import Label

    return Label(rect, text, size)


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

    def __init__(self, app: Host, title: str, rows: Callable[[], Sequence[Row]], intro: str = "") -> None:
        super().__init__(app)
        self.title, self.intro, self.build = title, intro, rows
        self.list = ListView(rows(), app)
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
                    lambda uid=uid: app.push(item_list(app, content.unit_name(uid),
                                                       lambda: app.content.by_unit.get(uid, []))))
                for uid, items in content.by_unit.items()]

    return ListScreen(app, "按单位查找", rows)


def type_list(app: Host) -> ListScreen:
    def rows() -> list[Row]:
        return [Row(kind, kind, f"{len(items)} 项", lambda kind=kind: app.push(_type_items(app, kind)))
                for kind, items in app.content.by_type.items()]

    return ListScreen(app, "按权力类型查找", rows)


def _type_items(app: Host, kind: str) -> ListScreen:
    return item_list(app, kind, lambda: app.content.by_type.get(kind, []))


def item_rows(app: Host, entries: Sequence[Entry]) -> list[Row]:
    return [Row(f"{e.kind}/{e.unit}/{e.key}", _entry_title(e), _entry_detail(app, e),
                lambda e=e: app.open(e)) for e in entries]


def item_list(app: Host, title: str,
              entries: Sequence[Entry] | Callable[[], Sequence[Entry]]) -> ListScreen:
    """Items under ``title``; pass a function of the content to follow new versions."""
    source = entries if callable(entries) else (lambda: entries)
    return ListScreen(app, title, lambda: item_rows(app, source()))


def notice_list(app: Host) -> ListScreen:
    return ListScreen(app, "通知公告",
                      lambda: item_rows(app, [*app.content.announcements, *app.content.notices]))


def _entry_title(entry: Entry) -> str:
    data = entry.data
    return str(data.get("name") or data.get("title") or data.get("text") or entry.key)


def _entry_detail(app: Host, entry: Entry) -> str:
    data = entry.data
    if entry.kind == "powers":
        return f"{power_type(entry)} · {data.get('code', '')} · {app.content.unit_name(entry.unit)}"
    if entry.kind == "notices":
        return " · ".join(str(p) for p in (data.get("kind"), data.get("doc_number"), data.get("date")) if p)
    return "公告"


# -- an item, a notice --------------------------------------------------------------------------


class DetailScreen(Screen):
    """Every standard field, the flowchart and a QR code; the supervision telephone stays on top.

    The page is laid out once into blocks; only the blocks in view are drawn as it scrolls."""

    def __init__(self, app: Host, entry: Entry) -> None:
        super().__init__(app)
        self.entry = entry
        self.title = _entry_title(entry)
        self.scroll = Scroller()
        self.blocks: list[tuple[int, pygame.Surface]] | None = None
        self.block_key: tuple[Any, ...] | None = None

    def speech(self) -> str:
        return "。".join(f"{label}：{value}" for label, value in self.fields()) or self.title

    def refresh(self) -> None:
        """The same item in the new version, if it is still published (else the page stays)."""
        content = self.app.content
        key = (self.entry.kind, self.entry.unit, self.entry.key)
        for entry in (*content.powers, *content.notices, *content.announcements, *content.urgent):
            if (entry.kind, entry.unit, entry.key) == key:
                self.entry, self.title, self.blocks = entry, _entry_title(entry), None
                return

    def fields(self) -> list[tuple[str, str]]:
        data = self.entry.data
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
            pairs = [
                ("事项名称", data.get("name")), ("事项编码", data.get("code")),
                ("权力类型", power_type(self.entry)), ("实施主体", data.get("implementing_unit")),
                ("承办机构", data.get("department")), ("设定依据", _lines(data.get("legal_basis"))),
                ("受理条件", data.get("conditions")), ("申请材料", _numbered(data.get("materials"))),
                ("法定时限", _days(data.get("statutory_days"))),
                ("承诺时限", _days(data.get("promised_days"))),
                ("收费", "不收费" if free else charges),
                ("办理地点", data.get("place")), ("办理时间", data.get("hours")),
                ("咨询电话", data.get("consult_phone")), ("监督电话", data.get("supervision_phone")),
            ]
        return [(label, str(value)) for label, value in pairs if value not in (None, "", [])]

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        sizes = self.app.sizes
        top = y + self._supervision(canvas, (x, y, w, h))
        view = (x, top, w, h - (top - y))
        blocks = self._blocks(w, canvas)
        self.scroll.set_limit(sum(b.get_height() for _, b in blocks), view[3])
        canvas.surface.set_clip(pygame.Rect(view))
        for block_top, block in blocks:
            screen_y = top + block_top - int(self.scroll.offset)
            if screen_y + block.get_height() >= top and screen_y <= top + view[3]:
                canvas.surface.blit(block, (x, screen_y))
        canvas.surface.set_clip(None)
        for label, value in self.fields():  # the model holds the page's text even out of view
            canvas.model.labels.append(_label((x, top, w, 0), f"{label}：{value}", sizes.body))

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

    def _blocks(self, width: int, canvas: Canvas) -> list[tuple[int, pygame.Surface]]:
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


def _days(value: Any) -> str:
    return f"{value}个工作日" if value not in (None, "") else ""


# -- search -------------------------------------------------------------------------------------


class SearchScreen(Screen):
    """An on-screen keyboard (letters, digits) and results that update on every key."""

    title = "搜索事项"

    def __init__(self, app: Host) -> None:
        super().__init__(app)
        self.query = ""
        self.results = ListView([], app)
        self.scroll = self.results.scroll
        self._keys: tuple[Any, pygame.Surface, list[Target]] | None = None

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
        self.results = ListView(item_rows(self.app, [hit.entry for hit in hits]), self.app)
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
        _, image, targets = self._keys
        top = bottom_y - image.get_height()
        canvas.surface.blit(image, (x, top))
        for target in targets:
            tx, ty, tw, th = target.rect
            moved = Target((x + tx, top + ty, tw, th), target.label, target.action, target.kind)
            canvas.model.targets.append(moved)
            canvas.model.labels.append(_label(moved.rect, target.label, self.app.sizes.body))
        return image.get_height()

    def _draw_keyboard(self, canvas: Canvas, width: int) -> tuple[pygame.Surface, list[Target]]:
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
        return image, board.model.targets


# -- home, supervision, admin -------------------------------------------------------------------


class HomeScreen(Screen):
    title = ""

    def draw(self, canvas: Canvas, area: Rect) -> None:
        x, y, w, h = area
        content, layout, sizes = self.app.content, self.app.layout, self.app.sizes
        gap = layout.px(5)
        columns = 2 if w >= layout.px(180) else 1
        tile_w = (w - gap * (columns - 1)) // columns
        intro = "请点击下方按钮查询行政权力事项、办事指南和通知公告"
        top = y + canvas.paragraph(intro, x, y, w, sizes.body, colour=canvas.theme.muted) + gap
        phone = content.county.get("supervision_phone") or ""
        tiles = [
            ("搜索事项", "拼音首字母 · 编码", lambda: self.app.push(SearchScreen(self.app))),
            ("按单位查找", f"{len(content.by_unit)} 个单位", lambda: self.app.push(unit_list(self.app))),
            ("按权力类型查找", f"{len(content.by_type)} 类 {len(content.powers)} 项",
             lambda: self.app.push(type_list(self.app))),
            ("通知公告", f"{len(content.notices) + len(content.announcements)} 条",
             lambda: self.app.push(notice_list(self.app))),
            ("监督投诉", f"☎ {phone}" if phone else "监督电话",
             lambda: self.app.push(SupervisionScreen(self.app))),
        ]
        rows = -(-len(tiles) // columns)
        tile_h = max(layout.px(30), min(layout.px(75 * sizes.scale), (y + h - top - gap * rows) // rows))
        for index, (label, sub, action) in enumerate(tiles):
            column, row = index % columns, index // columns
            span = columns if index == len(tiles) - 1 and len(tiles) % columns else 1
            rect = (x + column * (tile_w + gap), top + row * (tile_h + gap), tile_w * span + gap * (span - 1),
                    tile_h)
            canvas.button(rect, label, action, sizes.title, kind="tile", sub=sub)


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
                    lambda uid=uid: app.push(item_list(app, content.unit_name(uid),
                                                       lambda: app.content.by_unit.get(uid, []))))
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
