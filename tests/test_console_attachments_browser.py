"""The notice form's attachment upload in chromium (the ``web`` fixture: waitress in this process):
the file field is reached by keyboard, a disguised file is refused with the Chinese message on the
form, a real PDF is stored and listed with its download link; axe-core finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_support import *  # noqa: F403 - the console fixtures (accounts, site, web …)
from console_support import login, look, tab_to
from playwright.sync_api import expect

NOTICE = "/unit/gongshang/notice/%E5%8F%B0%E5%B7%A5%E5%95%86%E5%8F%91%E3%80%942026%E3%80%952%E5%8F%B7/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_attachment_upload_in_a_browser(web: str, page: Any, site: Any, tmp_path: Path) -> None:
    login(page, web, "clerk")
    page.goto(web + NOTICE)
    tab_to(page, "#f-attachment_file")  # in the page's own order, by keyboard
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(b"<!DOCTYPE html><html><body>not a pdf</body></html>")
    page.set_input_files("#f-attachment_file", str(fake))
    page.click("button:has-text('保存')")
    expect(page.get_by_text("文件内容不是 PDF")).to_be_visible()
    look(page, "attachment-refused")
    real = tmp_path / "五保名册.pdf"
    real.write_bytes(PDF)
    page.set_input_files("#f-attachment_file", str(real))
    page.fill("#f-attachment_title", "附件1：五保名册")
    page.click("button:has-text('保存')")
    expect(page.get_by_text("已保存")).to_be_visible()
    stored = sorted((site.content_dir / "units/gongshang/files").iterdir())
    assert [p.read_bytes() for p in stored] == [PDF]
    expect(page.locator("#f-attachments")).to_contain_text(f"附件1：五保名册 | files/{stored[0].name}")
    expect(page.locator(f"a[download] >> text=files/{stored[0].name}")).to_be_visible()
    look(page, "attachment")
