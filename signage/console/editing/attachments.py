"""An uploaded notice attachment (附件), made safe before it joins the unit's ``files/`` folder.

The file's name only chooses the kind a clerk means (its suffix must be one of the catalogue's
KINDS); its bytes must then be that kind (a PDF starts ``%PDF-``, a DOCX is a zip holding
``word/document.xml``, an image decodes under the pixel limit …), so an HTML page renamed .pdf
is refused. Zip-based kinds pass the spreadsheet importer's zip-slip and zip-bomb checks. The
upload streams into a temp file in the folder (bounded memory, at most MAX_BYTES); the stored
name is the original's safe part plus its digest, so no name can leave the folder and no file
already published is ever overwritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from signage.catalogue.rules.attachments import KINDS, MAX_BYTES
from signage.console.editing import images, uploads
from signage.contract.files import fsync_path

FOLDER = "files"
_UNSAFE = re.compile(r"[^\w\-（）()]+")  # \w keeps Chinese; dots, slashes and spaces go
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel 97–2003, WPS and ET
_ZIP = b"PK\x03\x04"
_PNG = b"\x89PNG\r\n\x1a\n"
NAMES = {".pdf": "PDF", ".ofd": "OFD", ".doc": "Word", ".docx": "Word", ".wps": "WPS 文字",
         ".xls": "Excel", ".xlsx": "Excel", ".et": "WPS 表格", ".jpg": "JPEG 图片",
         ".jpeg": "JPEG 图片", ".png": "PNG 图片", ".zip": "ZIP 压缩包"}
_ZIP_MEMBER = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml", ".ofd": "OFD.xml"}


class AttachmentError(Exception):
    """Why an upload was refused, in Chinese, with what to do."""


def store(upload: Any, unit_folder: Path) -> str:
    """Check the upload and write it into the unit's files folder; its path relative to the unit."""
    suffix = _suffix(upload.name or "")
    if upload.size > MAX_BYTES:
        raise AttachmentError(f"附件 {upload.size / 2**20:.1f} MB，超过上限 {MAX_BYTES // 2**20} MB："
                              "请压缩或拆分后重新上传。")
    folder = unit_folder / FOLDER
    if folder.is_symlink():
        raise AttachmentError(f"本单位的 {FOLDER} 文件夹是一个链接：请联系管理员改为普通文件夹。")
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    temp = Path(temp_name)
    try:
        digest = _copy(upload, fd)
        _sniff(temp, suffix)
        name = f"{safe_stem(upload.name)}-{digest[:12]}{suffix}"
        target = folder / name
        if target.exists():  # the same bytes under the same name: already there, keep it
            return f"{FOLDER}/{name}"
        os.link(temp, target)  # fails rather than replace a file that appeared meanwhile
        fsync_path(folder)
        return f"{FOLDER}/{name}"
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if suffix not in KINDS:
        raise AttachmentError(f"附件“{name}”的格式不能上传：只收 PDF、OFD、Word、WPS、Excel、ET、"
                              "JPG、PNG 或 ZIP 文件。")
    return suffix


def safe_stem(name: str) -> str:
    """The original name's last part without its suffix, reduced to letters, digits, - and _."""
    stem = PurePosixPath(name.replace("\\", "/")).name.rsplit(".", 1)[0]
    return _UNSAFE.sub("-", stem).strip("-_")[:60] or "附件"


def _copy(upload: Any, fd: int) -> str:
    """Stream the upload into ``fd`` (never more than MAX_BYTES); the bytes' sha256."""
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "wb") as handle:
        for chunk in upload.chunks():
            size += len(chunk)
            if size > MAX_BYTES:
                raise AttachmentError(f"附件超过上限 {MAX_BYTES // 2**20} MB：请压缩或拆分后重新上传。")
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        os.fsync(handle.fileno())
    if size == 0:
        raise AttachmentError("附件是空文件（0 字节）：请选择正确的文件重新上传。")
    return digest.hexdigest()


def _sniff(path: Path, suffix: str) -> None:
    """The bytes are what the suffix says, judged by content alone."""
    with path.open("rb") as handle:
        head = handle.read(16)
    wrong = AttachmentError(f"文件内容不是 {NAMES[suffix]}（与扩展名“{suffix}”不符）："
                            "请用原软件另存为该格式后重新上传，不要只改扩展名。")
    if suffix == ".pdf":
        if not head.startswith(b"%PDF-"):
            raise wrong
    elif suffix in (".doc", ".xls", ".wps", ".et"):
        if not head.startswith(_OLE2):
            raise wrong
    elif suffix in (".jpg", ".jpeg", ".png"):
        if not head.startswith(_PNG if suffix == ".png" else b"\xff\xd8\xff"):
            raise wrong
        _image(path)
    else:
        if not head.startswith(_ZIP):
            raise wrong
        _zip(path, suffix, wrong)


def _image(path: Path) -> None:
    try:
        images.decoded_file(path)
    except images.ImageError as exc:
        raise AttachmentError(f"附件图片无法使用：{exc}") from None


def _zip(path: Path, suffix: str, wrong: AttachmentError) -> None:
    if not zipfile.is_zipfile(path):
        raise wrong
    try:
        uploads.check_zip(path)  # zip-slip, member count, ratio, unpacked size
    except uploads.UploadError as exc:
        text = str(exc).replace("：不像是权力事项清单。", "。").replace("请用模板重新填写", "请重新打包")
        raise AttachmentError(f"附件{NAMES[suffix]}的内部结构可疑：{text}") from None
    member = _ZIP_MEMBER.get(suffix)
    if member is not None:
        with zipfile.ZipFile(path) as archive:
            if member not in archive.namelist():
                raise wrong
