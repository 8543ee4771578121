"""Flowchart images uploaded in the power-item form: checked with Pillow, re-encoded as PNG into
the unit's images folder, referenced from the record; anything else is refused with a message
and nothing is written."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from conftest import TODAY
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import client_for, form_values
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signage.catalogue.checking import check_content

POWER = "/unit/gongshang/power/GSJ-XK-001/"
POWERS_FILE = Path("units/gongshang/powers.yaml")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (640, 400), **save: Any) -> bytes:
    image = Image.new("RGB", size, "white")
    for x in range(40, 600):
        image.putpixel((x, 200), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(client: Any, data: bytes, name: str = "流程图.png") -> Any:
    values = form_values(client, POWER)
    values["flowchart_image"] = SimpleUploadedFile(name, data, content_type="image/png")
    return client.post(POWER, values)


def item(site: Any) -> Any:
    return check_content(site.content_dir, TODAY).catalogue.units["gongshang"].powers[0]


def images(site: Any) -> list[Path]:
    folder = site.content_dir / "units/gongshang/images"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_uploaded_image_is_reencoded_and_used(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    assert item(site).flowchart.steps  # drawn steps before
    jpeg = image_bytes("JPEG", comment=b"<script>alert(1)</script>") + b"<?php system($_GET[1]); ?>"
    response = upload(clerk, jpeg, "流程图.jpg")
    assert response.status_code == 302, response.content.decode()[-800:]
    [stored] = images(site)
    assert stored.name.startswith("GSJ-XK-001-") and stored.suffix == ".png"
    data = stored.read_bytes()
    assert data.startswith(b"\x89PNG") and b"<script>" not in data and b"<?php" not in data
    with Image.open(stored) as image:
        assert image.size == (640, 400)
    chart = item(site).flowchart
    assert chart.image == f"images/{stored.name}" and not chart.steps
    result = check_content(site.content_dir, TODAY)
    assert not [f for f in result.findings if f.subject == "GSJ-XK-001" and f.rule.id.startswith("GK-FLOW")]
    page = clerk.get(POWER).content.decode()
    assert f"现用图片：images/{stored.name}" in page


def test_bad_uploads_are_refused(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    before = (site.content_dir / POWERS_FILE).read_bytes()
    huge = image_bytes("PNG", size=(8000, 6000))  # 48 megapixels, a small file
    cases = [(b"not an image at all", "不是可识别的图片"), (image_bytes()[:300], "损坏"),
             (huge, "百万像素"), (b"\x89PNG" + b"\0" * (5 * 1024 * 1024 + 10), "超过上限"),
             (image_bytes("TIFF"), "不受支持")]
    for data, message in cases:
        response = upload(clerk, data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert images(site) == [] and (site.content_dir / POWERS_FILE).read_bytes() == before
    assert upload(clerk, image_bytes()).status_code == 302  # and a good one is accepted
    assert len(images(site)) == 1


def test_other_units_clerk_cannot_upload(site: Any, accounts: dict) -> None:
    other = client_for("other")
    response = other.post(POWER, {"flowchart_image": SimpleUploadedFile("a.png", image_bytes())})
    assert response.status_code == 404 and images(site) == []
