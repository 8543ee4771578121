"""An uploaded spreadsheet, made safe before the importer sees it.

An .xlsx is a zip of XML: members with absolute or ``..`` paths (zip-slip), too many members or
too much uncompressed data (zip bombs) are refused here; openpyxl parses the XML through
defusedxml (installed with the console), so entity expansion is refused too. The size limit is
checked before anything is read.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from signage.console.site import Site
from signage.office.importing import ImportFailure, ImportReport, import_spreadsheet

LIMIT = 5 * 1024 * 1024
MAX_MEMBERS = 500
MAX_UNPACKED = 50 * 1024 * 1024
MAX_RATIO = 100  # compressed → uncompressed; real sheets are about 5–10
SUFFIXES = (".xlsx", ".csv")


class UploadError(Exception):
    pass


def check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise UploadError("文件不是有效的 .xlsx（无法解压）："
                          "请用 Excel 或 WPS 另存为 .xlsx 后重新上传。") from None
    if len(members) > MAX_MEMBERS:
        raise UploadError(f"文件包含 {len(members)} 个部件，超过上限 {MAX_MEMBERS}：不像是权力事项清单。")
    total = 0
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in member.filename:
            raise UploadError(f"文件中有可疑的路径“{member.filename}”，已拒绝：请用模板重新填写。")
        total += member.file_size
        if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
            raise UploadError("文件的压缩比异常（可能是压缩炸弹），已拒绝。")
    if total > MAX_UNPACKED:
        raise UploadError(f"文件解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB，已拒绝。")


def import_upload(site: Site, unit_id: str, upload: Any) -> ImportReport:
    if upload is None:
        raise UploadError("请选择要上传的 .xlsx 或 .csv 文件。")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(f"只能上传 .xlsx 或 .csv 文件（收到“{upload.name}”）。旧版 .xls 请先另存为 .xlsx。")
    if upload.size > LIMIT:
        raise UploadError(f"文件 {upload.size // 1024} KB，超过上限 {LIMIT // (1024 * 1024)} MB。")
    with tempfile.TemporaryDirectory(prefix="signage-upload-") as temp:
        stem = "".join(c for c in Path(upload.name).stem if c.isalnum() or c in "-_ ")[:80] or "upload"
        path = Path(temp) / (stem + suffix)  # the importer's sheet!cell findings name the file
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        if suffix == ".xlsx":
            check_zip(path)
        try:
            report = import_spreadsheet(path, site.content_dir, unit_id, today=site.today())
        except ImportFailure as exc:
            raise UploadError(str(exc)) from None
    return report
