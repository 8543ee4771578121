"""The office's board pages: list, a unit's board PDF, send to the print station."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.office.boards import BoardScreen, board_pdf, board_screens
from signage.console.security import OFFICE, UNIT, role_of, role_required, unit_allowed
from signage.console.site import current


def _screens() -> list[BoardScreen]:
    return board_screens(current().screens_path, list(county_result(current()).catalogue.units))


def _board(screen: str) -> BoardScreen:
    board = next((b for b in _screens() if b.id == screen), None)
    if board is None:
        raise Http404("没有这块公开栏")
    return board


@role_required(OFFICE)
def index(request: HttpRequest) -> HttpResponse:
    units = county_result(current()).catalogue.units
    boards = [{"id": b.id, "site": b.site, "layout": b.layout,
               "units": [(u, units[u].display_name) for u in b.units]} for b in _screens()]
    return render(request, "console/boards.html", {"boards": boards,
                                                   "can_send": current().send_command is not None})


@role_required(OFFICE, UNIT)
def pdf(request: HttpRequest, screen: str, unit_id: str) -> HttpResponse:
    unit_allowed(request, unit_id)  # a clerk: their own unit's board only
    board = _board(screen)
    if unit_id not in board.units:
        raise Http404("这块公开栏不张贴该单位")
    site = current()
    try:
        data = board_pdf(site.content_dir, site.screens_path, board, unit_id, site.today())
    except LookupError as exc:
        messages.error(request, str(exc))
        return redirect("unit", unit_id=unit_id) if role_of(request) == UNIT else redirect("boards")
    audit(request, "board-pdf", f"board/{screen}/{unit_id}", detail="下载公开栏 PDF")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{screen}-{unit_id}.pdf"'
    return response


@role_required(OFFICE)
@require_POST
def send_to_print(request: HttpRequest, screen: str) -> HttpResponse:
    board = _board(screen)
    site = current()
    if site.send_command is None:
        messages.error(request, "消息服务器未连接，无法发送到打印站。")
        return redirect("boards")
    try:
        site.send_command(board.id, "print")
    except (ConnectionError, OSError) as exc:
        messages.error(request, f"发送失败：{exc}")
        audit(request, "command", f"screen/{board.id}", detail=f"送打印站失败：{exc}")
        return redirect("boards")
    audit(request, "command", f"screen/{board.id}", detail="送打印站（重新打印公开栏）")
    messages.success(request, f"已发送到 {board.id} 的打印站：打印完成后计入张贴记录。")
    return redirect("boards")
