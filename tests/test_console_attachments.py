"""Uploading a notice's attachment (附件) through the notice form: judged by content, not by name;
stored under a safe name in the unit's files/ folder, never overwriting; added to the notice's
list through the round-trip save; served back to staff as a download (nosniff); audited. And the
hostile set: an HTML page named .pdf, a decompression-bomb image, ``../../x`` names, an empty
file, an oversized file, a zip that is no DOCX; a stale form still meets the conflict message."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import TODAY
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import audit_entries, client_for, form_values
from django.core.files.uploadedfile import SimpleUploadedFile

from signage.catalogue.checking import check_content

NOTICE = f"/unit/gongshang/notice/{quote('台工商发〔2026〕2号')}/"
NOTICES_FILE = Path("units/gongshang/notices.yaml")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client: Any, name: str, data: bytes, title: str = "", **changes: Any) -> Any:
    values = {**form_values(client, NOTICE), **changes}
    values["attachment_file"] = SimpleUploadedFile(name, data)
    values["attachment_title"] = title
    return client.post(NOTICE, values, follow=True)


def files(site: Any) -> list[Path]:
    folder = site.content_dir / "units/gongshang/files"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def notice(site: Any) -> Any:
    return check_content(site.content_dir, TODAY).catalogue.units["gongshang"].notices[0]


def test_a_pdf_is_stored_listed_served_and_audited(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    before = (site.content_dir / NOTICES_FILE).read_text("utf-8")
    page = upload(clerk, "五保名册.pdf", PDF, "附件1：五保名册").content.decode()
    assert "已保存" in page
    [stored] = files(site)
    assert stored.name.startswith("五保名册-") and stored.suffix == ".pdf" and stored.read_bytes() == PDF
    assert [(a.title, a.file) for a in notice(site).attachments][-1] == ("附件1：五保名册",
                                                                          f"files/{stored.name}")
    saved = (site.content_dir / NOTICES_FILE).read_text("utf-8")
    assert saved.splitlines()[:3] == before.splitlines()[:3]  # the rest of the file kept
    check = client_for("clerk").post(NOTICE + "check", form_values(clerk, NOTICE)).json()["findings"]
    assert not [f for f in check if f["rule"].startswith("GK-ATTACH")]
    href = f"/unit/gongshang/files/{quote(stored.name)}"
    assert f'href="{href}"' in clerk.get(NOTICE).content.decode()
    response = clerk.get(href)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    actions = sorted((e.action, e.actor, e.target) for e in audit_entries()
                     if e.action in ("upload", "download"))
    assert actions == [("download", "clerk", f"gongshang/files/{stored.name}"),
                       ("upload", "clerk", f"gongshang/files/{stored.name}")]


def _png_header(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width``×``height`` pixels (a decompression bomb's shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


HOSTILE = [
    ("通知.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "文件内容不是 PDF"),
    ("流程.png", _png_header(30000, 30000), "附件图片无法使用"),
    ("空.pdf", b"", "空文件"),
    ("名册.docx", _zip({"hello.txt": b"hi"}), "文件内容不是 Word"),
    ("名册.xlsx", _zip({"../../evil.txt": b"x", "xl/workbook.xml": b"<x/>"}), "可疑的路径"),
    ("炸弹.zip", _zip({"a.txt": b"\0" * 10_000_000}), "压缩比异常"),
    ("表格.doc", PDF, "文件内容不是 Word"),
    ("网页.html", b"<html></html>", "格式不能上传"),
]


@pytest.mark.parametrize(("name", "data", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_uploads_are_refused_in_chinese(site: Any, accounts: dict, name: str, data: bytes,
                                                message: str) -> None:
    before = (site.content_dir / NOTICES_FILE).read_bytes()
    page = upload(client_for("clerk"), name, data, summary="顺带修改的摘要。").content.decode()
    assert message in page and "已保存" not in page
    assert files(site) == [] and (site.content_dir / NOTICES_FILE).read_bytes() == before
    assert "顺带修改的摘要。" in page  # the clerk's other changes are still in the form
    assert not [e for e in audit_entries() if e.action == "upload"]


def test_an_oversized_file_is_refused(site: Any, accounts: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from signage.console.editing import attachments

    monkeypatch.setattr(attachments, "MAX_BYTES", 64 * 1024)  # the limit, scaled down for the test
    page = upload(client_for("clerk"), "大.pdf", PDF + b"\0" * (64 * 1024)).content.decode()
    assert "超过上限" in page and files(site) == []


def test_names_cannot_leave_the_folder_nor_overwrite(site: Any, accounts: dict) -> None:
    from signage.console.editing import attachments

    assert attachments.safe_stem("../../x.pdf") == "x"
    assert attachments.safe_stem("..\\..\\系统\\名册.pdf") == "名册"
    assert attachments.safe_stem("../.pdf") == "附件"
    assert attachments.safe_stem("a b;c|d.pdf") == "a-b-c-d"
    folder = site.content_dir / "units/gongshang"
    first = attachments.store(SimpleUploadedFile("../../x.pdf", PDF), folder)
    second = attachments.store(SimpleUploadedFile("x.pdf", PDF + b"% v2\n"), folder)
    assert first != second and first.startswith("files/x-") and second.startswith("files/x-")
    assert (folder / first).read_bytes() == PDF  # the first is still what it was
    assert attachments.store(SimpleUploadedFile("x.pdf", PDF), folder) == first  # same bytes: same file
    assert sorted(p.name for p in (folder / "files").iterdir()) == sorted([first[6:], second[6:]])
    assert not (site.content_dir / "x.pdf").exists() and not (site.content_dir.parent / "x.pdf").exists()


def test_files_are_served_only_inside_the_units_folder(site: Any, accounts: dict) -> None:
    folder = site.content_dir / "units/gongshang/files"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(PDF)
    clerk = client_for("clerk")
    assert clerk.get("/unit/gongshang/files/a.pdf").status_code == 200
    for bad in ("../notices.yaml", "%2e%2e/notices.yaml", "..%2fnotices.yaml", ".upload-x.tmp", "nope.pdf"):
        assert clerk.get(f"/unit/gongshang/files/{bad}").status_code == 404, bad
    (folder / "link.pdf").symlink_to(site.content_dir / NOTICES_FILE)
    assert clerk.get("/unit/gongshang/files/link.pdf").status_code == 404
    assert client_for("other").get("/unit/gongshang/files/a.pdf").status_code == 404  # another unit
    assert client_for("reviewer").get("/unit/gongshang/files/a.pdf").status_code == 200
    assert client_for().get("/unit/gongshang/files/a.pdf").status_code in (302, 403)


def test_a_stale_form_with_an_upload_meets_the_conflict(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    stale = form_values(clerk, NOTICE)
    assert clerk.post(NOTICE, {**stale, "summary": "同事先保存的摘要。"}).status_code == 302
    mine = (site.content_dir / NOTICES_FILE).read_text("utf-8")
    values = {**stale, "attachment_file": SimpleUploadedFile("名册.pdf", PDF), "attachment_title": "附件1"}
    page = clerk.post(NOTICE, values).content.decode()
    assert "在您打开表单后已被修改" in page
    assert (site.content_dir / NOTICES_FILE).read_text("utf-8") == mine  # nothing overwritten
