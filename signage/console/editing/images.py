"""An uploaded flowchart image (流程图图片), made safe before it joins the unit's files.

The upload is size-limited, opened by Pillow with its pixel count checked before any decoding
(no decompression bomb), fully decoded (a truncated or disguised file is refused), and re-encoded
as PNG: what is stored is pixels we wrote, never the uploaded bytes (no polyglot, no metadata).
The file name is the item code's safe part and the image's digest, so the version a screen shows
now is never overwritten.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from signage.catalogue.rules.context import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from signage.catalogue.rules.flowcharts import IMAGE_FORMATS
from signage.contract.files import atomic_write

FOLDER = "images"
_SAFE = re.compile(r"[^A-Za-z0-9_-]+")


class ImageError(Exception):
    """Why an upload was refused, in Chinese, with what to do."""


def decoded_file(path: Path) -> Image.Image:
    """The image in ``path``, decoded under the same checks as an upload (attachments use it)."""
    return _decoded(path)


def _decoded(source: bytes | Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(source) if isinstance(source, bytes) else source)
            if image.format not in IMAGE_FORMATS:
                raise ImageError(f"图片格式 {image.format} 不受支持：请上传 PNG、JPEG、GIF、BMP 或 WebP。")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ImageError(f"图片为 {image.width}×{image.height} 像素，超过 "
                                 f"{MAX_IMAGE_PIXELS // 1_000_000} 百万像素：请缩小后重新上传。")
            image.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("文件不是可识别的图片：请上传 PNG、JPEG、GIF、BMP 或 WebP 格式的流程图。") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageError("图片数据不完整或已损坏：请重新导出流程图图片后上传。") from None
    return image


def png_of(data: bytes) -> bytes:
    """The uploaded image re-encoded as PNG (first frame; RGB, RGBA or grey)."""
    image = _decoded(data)
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info else "RGB"
    if image.mode in ("1", "L"):
        mode = "L"
    out = io.BytesIO()
    image.convert(mode).save(out, format="PNG", optimize=False)
    return out.getvalue()


def store(upload: Any, unit_folder: Path, key: str) -> str:
    """Check, re-encode and write the upload into the unit's images folder; its relative path."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ImageError(f"图片 {upload.size / 2**20:.1f} MB，超过上限 {MAX_IMAGE_BYTES // 2**20} MB："
                         "请压缩后重新上传。")
    data = upload.read(MAX_IMAGE_BYTES + 1)
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageError(f"图片超过上限 {MAX_IMAGE_BYTES // 2**20} MB：请压缩后重新上传。")
    if (unit_folder / FOLDER).is_symlink():
        raise ImageError(f"本单位的 {FOLDER} 文件夹是一个链接：请联系管理员改为普通文件夹。")
    png = png_of(data)
    stem = _SAFE.sub("-", key).strip("-")[:40] or "flowchart"
    name = f"{stem}-{hashlib.sha256(png).hexdigest()[:12]}.png"
    atomic_write(unit_folder / FOLDER / name, png)
    return f"{FOLDER}/{name}"
