"""The web column as files: valid HTML, links that resolve, only publishable content, hostile
text escaped, stable index numbers, incremental rebuilds that write only what changed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner
from conftest import COUNTY, NOTICE, POWER, REVIEW, TODAY, patched

from signage.catalogue.checking import check_content
from signage.cli import main
from signage.site.build import build_site
from signage.site.indexno import index_number

HELD = patched(POWER, {"name": "未审查的扣押事项", "code": "CSJ-QZ-001", "type": "行政强制"})
ON_REQUEST = patched(NOTICE, {"title": "依申请公开的内部通知", "doc_number": "台测发〔2026〕13号",
                              "disclosure": "依申请公开"})
HOSTILE = patched(POWER, {"name": "<script>alert(1)</script>户外广告设置许可", "code": "CSJ-XK-002"})
EXPIRED = patched(POWER, {"name": "已过期的临时许可", "code": "CSJ-XK-003", "valid_until": "2026-06-30"})


def _build(content, out: Path, powers=None, notices=None, **county) -> object:
    root = content.write(county=COUNTY | county, powers=powers, notices=notices)
    return build_site(check_content(root, TODAY), out, TODAY, "https://zwgk.example.gov.cn/")


def _site_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and not p.name.startswith("."))


def _links(document) -> list[str]:
    found = []
    for element in document.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value:
                found.append(value)
    return found


def test_every_page_parses_and_every_internal_link_resolves(content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(content, out, powers=[POWER, HOSTILE, EXPIRED])
    pages = [p for p in _site_files(out) if p.suffix == ".html"]
    assert len(pages) >= 10
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    checked = 0
    for page in pages:
        document = parser.parse(page.read_bytes())  # strict: raises on any parse error
        assert document.get("lang") == "zh-CN", page
        assert document.find(".//main") is not None and document.find(".//h1") is not None, page
        for link in _links(document):
            parts = urlsplit(link)
            if parts.scheme in ("tel", "http", "https") or link.startswith("#"):
                assert parts.scheme != "http" or "127.0.0.1" in link, f"external resource {link} in {page}"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(out)} links to missing {link}"
            checked += 1
    assert checked > 100
    for script in parser.parse((out / "index.html").read_bytes()).iter("script"):
        assert script.get("src") and not (script.text or "").strip()  # no inline script (CSP)


def test_held_back_and_on_request_content_is_on_no_page_index_or_sitemap(content, tmp_path: Path) -> None:
    reviewed = _build(content, tmp_path / "before", powers=[POWER, HELD],
                      notices=[NOTICE, patched(ON_REQUEST, {"disclosure": "主动公开"})])
    everything = "".join(p.read_text("utf-8") for p in _site_files(tmp_path / "before"))
    assert "未审查的扣押事项" in everything and "依申请公开的内部通知" in everything  # it can show up
    assert reviewed.files > 0

    unreviewed = patched(HELD, {"review": None})
    unreviewed.pop("review")
    _build(content, tmp_path / "after", powers=[POWER, unreviewed], notices=[NOTICE, ON_REQUEST])
    assert ("demo", "CSJ-QZ-001") in check_content(content.root, TODAY).blocked()
    for path in _site_files(tmp_path / "after"):
        text = path.read_text("utf-8")
        assert "未审查的扣押事项" not in text and "CSJ-QZ-001" not in text, path
        assert "依申请公开的内部通知" not in text and "13号" not in text, path
    assert not list((tmp_path / "after").rglob("CSJ-QZ-001*"))


def test_a_script_in_a_name_is_text_on_every_page(content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(content, out, powers=[POWER, HOSTILE])
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    item = out / "xzql/demo/CSJ-XK-002.html"
    for page in (item, out / "xzql/demo/index.html", out / "zfxxgk/demo/mulu.html"):
        html = page.read_text("utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        scripts = list(parser.parse(html).iter("script"))
        assert [s.get("src") for s in scripts] == ["../../static/search.js"]
    assert parser.parse(item.read_text("utf-8")).find(".//h1").text.startswith("<script>alert(1)")


def test_index_numbers_follow_the_scheme_and_stay_the_same(content, tmp_path: Path) -> None:
    _build(content, tmp_path / "one", powers=[POWER])
    _build(content, tmp_path / "two", powers=[HOSTILE, EXPIRED, POWER])  # others added, order changed
    numbers = []
    for folder in ("one", "two"):
        html = (tmp_path / folder / "xzql/demo/CSJ-XK-001.html").read_text("utf-8")
        numbers.append(re.search(r"索引号</th><td>([^<]+)<", html).group(1))
    assert numbers[0] == numbers[1] == index_number("CSJ", "QL", None, "demo", "CSJ-XK-001")
    assert re.fullmatch(r"CSJ-QL-0000-\d{8}", numbers[0])
    catalogue = (tmp_path / "one/zfxxgk/demo/mulu.html").read_text("utf-8")
    assert re.search(r"CSJ-XX-2026-\d{8}", catalogue)  # the notice: year of 成文日期


def test_an_expired_item_keeps_its_page_marked(content, tmp_path: Path) -> None:
    out = tmp_path / "site"
    _build(content, out, powers=[POWER, EXPIRED])
    page = (out / "xzql/demo/CSJ-XK-003.html").read_text("utf-8")
    assert "已失效" in page
    row = re.search(r"<tr><td[^>]*>[^<]*</td><td[^>]*><a href=\"../../xzql/demo/CSJ-XK-003.html\">.*?</tr>",
                    (out / "zfxxgk/demo/mulu.html").read_text("utf-8"))
    assert row and "已失效" in row.group(0)


def test_a_one_item_edit_rewrites_its_page_its_units_lists_its_shard_and_sitemap(content, tmp_path) -> None:
    out = tmp_path / "site"
    other = patched(POWER, {"name": "乡村建设规划许可证核发", "code": "CSJ-XK-004"})
    full = _build(content, out, powers=[POWER, other])
    assert len(full.written) == full.files
    again = _build(content, out, powers=[POWER, other])
    assert again.written == [] and again.removed == []  # nothing changed: nothing written

    edited = patched(POWER, {"name": "建设工程规划许可核发", "updated": "2026-10-15"})  # no new characters
    one = _build(content, out, powers=[edited, other])
    assert sorted(one.written) == ["search/demo.json", "sitemap/demo.xml", "xzql/demo/CSJ-XK-001.html",
                                   "xzql/demo/index.html", "zfxxgk/demo/mulu.html"]
    assert one.bytes_written < full.bytes_written / 2  # the 10,000-item ratio: bench/site.py
    assert "建设工程规划许可核发" in (out / "xzql/demo/CSJ-XK-001.html").read_text("utf-8")

    root = content.write(county=COUNTY, powers=[edited, other])
    next_day = build_site(check_content(root, TODAY), out, TODAY.replace(day=28), "https://zwgk.example.gov.cn/")
    assert next_day.written == ["index.html"]  # a new day: only the home page's date

    held = patched(edited, {"updated": "2026-11-25"})  # changed after its review: held back
    kept = _build(content, out, powers=[held, other])
    assert ("demo", "CSJ-XK-001") in check_content(content.root, TODAY).blocked()
    assert "xzql/demo/CSJ-XK-001.html" not in kept.removed + kept.written  # its last good page stays
    assert "建设工程规划许可核发" in (out / "xzql/demo/CSJ-XK-001.html").read_text("utf-8")
    assert "CSJ-XK-001" not in (out / "search/demo.json").read_text("utf-8")  # but it leaves the lists

    gone = _build(content, out, powers=[edited])  # an item deleted: its page goes, last
    assert gone.removed == ["xzql/demo/CSJ-XK-004.html"]
    assert not (out / "xzql/demo/CSJ-XK-004.html").exists()


def test_online_url_defaults_to_the_item_pages_of_the_site(content) -> None:
    root = content.write(county=COUNTY | {"site_url": "https://zwgk.example.gov.cn/"})
    county = check_content(root, TODAY).catalogue.county
    assert county.online_url == "https://zwgk.example.gov.cn/xzql/{unit}/{code}.html"
    root = content.write(county=COUNTY | {"site_url": "https://a/", "online_url": "https://b/{code}"})
    assert check_content(root, TODAY).catalogue.county.online_url == "https://b/{code}"  # given wins


def test_signage_site_command_writes_the_site_and_then_nothing(content, tmp_path: Path) -> None:
    root = content.write(powers=[POWER, patched(POWER, {"code": "CSJ-XK-005", "review": REVIEW})])
    out = tmp_path / "web"
    args = ["site", str(root), "-o", str(out), "--today", TODAY.isoformat(), "--base-url", "https://x.gov.cn/"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert (out / "index.html").is_file() and "https://x.gov.cn/xzql/demo/CSJ-XK-001.html" in (
        out / "sitemap/demo.xml").read_text("utf-8")
    second = CliRunner().invoke(main, args)
    assert "写入 0 个" in second.output


@pytest.mark.parametrize("bad", ["not: [valid", None])
def test_unreadable_content_is_a_chinese_error_not_a_crash(tmp_path: Path, bad: str | None) -> None:
    root = tmp_path / "content"
    if bad is not None:
        root.mkdir()
        (root / "county.yaml").write_text(bad, "utf-8")
    result = CliRunner().invoke(main, ["site", str(root), "-o", str(tmp_path / "web")])
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "web" / "index.html").exists()


def test_the_serve_hook_rebuilds_the_site_from_each_publish_and_never_raises(content, tmp_path) -> None:
    from signage.cli.site import after_publish_hook
    from signage.publishing.publisher import PublishReport

    out = tmp_path / "web"
    hook = after_publish_hook(out, "https://x.gov.cn/")
    root = content.write(powers=[POWER])
    hook(PublishReport(check=check_content(root, TODAY)))
    assert (out / "xzql/demo/CSJ-XK-001.html").is_file()
    blocked_out = tmp_path / "a-file"
    blocked_out.write_text("not a folder", "utf-8")
    with pytest.raises(OSError):  # what the hook meets: the folder cannot be written
        build_site(check_content(root, TODAY), blocked_out, TODAY)
    after_publish_hook(blocked_out)(PublishReport(check=check_content(root, TODAY)))  # reported, no raise
    assert (out / "xzql/demo/CSJ-XK-001.html").is_file()


def test_serve_with_site_rebuilds_the_page_of_an_edited_item(content, tmp_path: Path) -> None:
    """`signage serve --site DIR` as a user runs it: its own mosquitto on loopback, a real edit."""
    import signal
    import subprocess
    import sys

    from conftest import REPO
    from harness import wait_until

    root = content.write(powers=[POWER])
    out, data = tmp_path / "web", tmp_path / "data"
    serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content", root, "--screens",
                              REPO / "layouts", "--data", data, "--site", out],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    page = out / "xzql/demo/CSJ-XK-001.html"
    try:
        wait_until(lambda: page.is_file() and "建设工程规划许可证核发" in page.read_text("utf-8"), 60,
                   "the site after the first publish")
        content.write(powers=[patched(POWER, {"name": "建设工程规划许可证核发（变更）"})])
        wait_until(lambda: "（变更）" in page.read_text("utf-8"), 60, "the edited item's page")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(30)
    assert serve.returncode == 0, serve.stdout.read()[-2000:]


def test_a_notice_lists_its_attachments_and_they_download(content, tmp_path: Path) -> None:
    pdf = b"%PDF-1.4\n% a small attachment\n" + bytes(range(256)) * 40
    with_files = patched(NOTICE, {"attachments": [
        {"title": "附件1：2026年度行政权力事项目录", "file": "files/目录.pdf"},
        {"title": "附件2：<b>办理流程</b>", "file": "files/流程.xlsx"}]})
    files = {"units/demo/files/目录.pdf": pdf, "units/demo/files/流程.xlsx": b"PK\x03\x04x"}
    root = content.write(county=COUNTY, notices=[with_files], files=files)
    check = check_content(root, TODAY)
    assert not [f for f in check.findings if f.rule.id.startswith("GK-ATTACH")]
    out = tmp_path / "site"
    build_site(check, out, TODAY, "https://zwgk.example.gov.cn/")
    page = next(out.glob("zfxxgk/demo/*.html"), None)
    pages = [p for p in out.glob("zfxxgk/demo/*.html") if "台测发" in p.read_text("utf-8")
             and "附件1" in p.read_text("utf-8")]
    assert page is not None and len(pages) == 1
    document = html5lib.parse(pages[0].read_text("utf-8"), treebuilder="etree", namespaceHTMLElements=False)
    links = [a for a in document.iter("a") if a.get("download") is not None]
    assert [a.text for a in links] == ["附件1：2026年度行政权力事项目录", "附件2：<b>办理流程</b>"]  # escaped
    files = [(pages[0].parent / unquote(a.get("href"))).resolve() for a in links]
    assert files[0].read_bytes() == pdf and files[1].read_bytes() == b"PK\x03\x04x"
    assert files[0].suffix == ".pdf" and "fujian" in files[0].parts
    assert "PDF，" in pages[0].read_text("utf-8")


@pytest.mark.parametrize(("file", "rule"), [("files/没有这个.pdf", "GK-ATTACH-001"),
                                            ("../../county.yaml", "GK-ATTACH-002")])
def test_a_notice_whose_attachment_is_missing_or_outside_is_held_back(content, tmp_path: Path, file: str,
                                                                      rule: str) -> None:
    broken = patched(NOTICE, {"attachments": [{"title": "附件1", "file": file}]})
    root = content.write(county=COUNTY, notices=[broken])
    check = check_content(root, TODAY)
    assert rule in [f.rule.id for f in check.findings]
    assert ("demo", NOTICE["doc_number"]) in check.blocked()
    out = tmp_path / "site"
    build_site(check, out, TODAY, "https://zwgk.example.gov.cn/")
    assert not list(out.rglob("fujian/*"))
    assert all(NOTICE["title"] not in p.read_text("utf-8") for p in _site_files(out) if p.suffix == ".html")
