"""The content model: units and what they publish, as typed values.

Everything here is plain data. :mod:`signage.catalogue.schema` builds it from YAML (recording where each
field came from so findings can point at a line); renderers and the publisher read it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from signage.catalogue.findings import Location
from signage.catalogue.vocab import REVIEW_PASSED


@dataclass(slots=True)
class Sourced:
    """Mixin: where an object was written, and the line of each of its fields."""

    location: Location = field(default_factory=lambda: Location("<memory>"))
    field_lines: dict[str, int] = field(default_factory=dict, repr=False)
    # Fields written but unreadable (a finding already says why): never reported as missing too.
    invalid: frozenset[str] = field(default=frozenset(), repr=False)

    def where(self, name: str | None = None) -> Location:
        """The location of field ``name`` (or of the object itself)."""
        line = self.field_lines.get(name) if name else None
        return Location(self.location.file, line if line is not None else self.location.line)


@dataclass(slots=True)
class ReviewRecord(Sourced):
    """保密审查 record: who reviewed the content for secrets and personal data, when, verdict."""

    reviewer: str = ""
    date: dt.date | None = None
    result: str = ""
    note: str = ""
    account: str = ""  # the console account that approved (signed reviews only)
    time: str = ""  # ISO time of the approval (signed reviews only)
    digest: str = ""  # sha256 of the reviewed record, as :func:`reviewseal.record_digest` computes it
    signature: str = ""  # Ed25519 by a county review key over account, time, result and digest

    @property
    def passed(self) -> bool:
        return self.result == REVIEW_PASSED

    @property
    def sealed(self) -> bool:
        """Written by the console with a digest and signature (else typed by hand: 未经系统确认)."""
        return bool(self.digest or self.signature)


@dataclass(slots=True)
class Fee(Sourced):
    """收费: whether the item charges, the standard (收费标准) and its legal basis (收费依据)."""

    charged: bool | None = None
    standard: str = ""
    basis: str = ""


@dataclass(slots=True)
class Branch(Sourced):
    """A decision outcome in a flowchart: the label on the arrow and the step it leads to."""

    when: str = ""
    to: str = ""


@dataclass(slots=True)
class FlowStep(Sourced):
    """One box of a standard flowchart (流程图)."""

    name: str = ""
    post: str = ""  # responsible post (责任岗位)
    days: int | None = None  # time limit of this step, working days
    note: str = ""
    branches: list[Branch] = field(default_factory=list)

    @property
    def is_decision(self) -> bool:
        return bool(self.branches)


@dataclass(slots=True)
class Flowchart(Sourced):
    """Either an image file (relative to the unit folder) or structured steps to draw."""

    image: str = ""
    steps: list[FlowStep] = field(default_factory=list)


@dataclass(slots=True)
class PowerItem(Sourced):
    """行政权力事项: one administrative power a unit exercises, in the standard form."""

    unit_id: str = ""
    name: str = ""
    code: str = ""
    main_item: str = ""  # 主项: the main item's name when this is one of its 子项 (sub-items)
    type: str = ""  # current official type (行政许可 …), "" when unknown
    type_declared: str = ""  # as the unit wrote it (may be a legacy name such as 行政审批)
    implementing_unit: str = ""  # 实施主体
    department: str = ""  # 承办机构 / 办理部门
    legal_basis: list[str] = field(default_factory=list)  # citations: 《法规名称》第N条
    statutory_days: int | None = None  # 法定时限, working days
    promised_days: int | None = None  # 承诺时限, working days
    fee: Fee = field(default_factory=Fee)
    materials: list[str] = field(default_factory=list)  # 申请材料
    place: str = ""  # 办理地点
    hours: str = ""  # 办理时间
    conditions: str = ""  # 受理条件
    flowchart: Flowchart | None = None
    consult_phone: str = ""  # 咨询电话
    supervision_phone: str = ""  # 监督电话
    channels: list[str] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    updated: dt.date | None = None
    review: ReviewRecord | None = None
    content_digest: str = ""  # of the record as written, review excluded (what a review seals)

    @property
    def key(self) -> str:
        return self.code or self.name


@dataclass(slots=True)
class Attachment(Sourced):
    """附件 of a notice: a file in the unit's folder, published beside the notice's page."""

    title: str = ""
    file: str = ""  # relative to the unit's folder, e.g. files/目录.pdf


@dataclass(slots=True)
class Notice(Sourced):
    """政府信息: a government document disclosed to the public."""

    unit_id: str = ""
    title: str = ""
    kind: str = ""  # current 文种, "" when unknown
    kind_declared: str = ""
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 文号, e.g. 台政发〔2026〕12号
    date: dt.date | None = None  # 成文日期
    disclosure: str = ""  # 主动公开 / 依申请公开 / 不予公开
    classification: str = ""  # 密级; empty when not classified
    summary: str = ""
    body: str = ""
    channels: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    updated: dt.date | None = None
    review: ReviewRecord | None = None
    content_digest: str = ""  # of the record as written, review excluded (what a review seals)

    @property
    def key(self) -> str:
        return self.doc_number or self.title


@dataclass(slots=True)
class Announcement(Sourced):
    """A short text for LED signs and kiosk banners (e.g. a holiday closure)."""

    unit_id: str = ""
    id: str = ""
    text: str = ""
    urgent: bool = False
    channels: list[str] = field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    updated: dt.date | None = None
    review: ReviewRecord | None = None
    content_digest: str = ""  # of the record as written, review excluded (what a review seals)

    @property
    def key(self) -> str:
        return self.id


@dataclass(slots=True)
class UnitRule(Sourced):
    """A published working rule, e.g. 限时办结制度 or 首问责任制."""

    title: str = ""
    text: str = ""


@dataclass(slots=True)
class Unit(Sourced):
    """成员单位: a member unit of the disclosure programme and everything it publishes."""

    id: str = ""
    name: str = ""
    short_name: str = ""
    code_prefix: str = ""  # first segment of its item codes, e.g. TXQ
    address: str = ""
    hours: str = ""
    consult_phone: str = ""
    supervision_phone: str = ""
    complaint_phone: str = ""
    website: str = ""
    duties: list[str] = field(default_factory=list)  # 主要职责
    rules: list[UnitRule] = field(default_factory=list)
    powers: list[PowerItem] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    announcements: list[Announcement] = field(default_factory=list)
    folder: str = ""  # the unit's folder, relative to the content root

    @property
    def display_name(self) -> str:
        return self.name or self.id


@dataclass(slots=True)
class County(Sourced):
    """The county-wide settings in ``county.yaml``."""

    name: str = ""
    office: str = ""  # 政务公开办公室
    area_code: str = ""  # landline area code, e.g. 0412
    code_pattern: str = ""  # regex for item codes; "" means the built-in default
    supervision_phone: str = ""
    online_url: str = ""  # an item's page: a template with {unit} and {code}
    site_url: str = ""  # the web column's base URL (online_url defaults to its item pages)
    review_keys: list[str] = field(default_factory=list)  # console review keys (base64 Ed25519)
    hand_reviews: str = ""  # 发布 (default) or 暂缓: whether reviews typed by hand still publish
    two_factor: bool | None = None  # the console asks reviewers and office staff for a TOTP code
    rectify_days: int | None = None  # 整改期限 of a rectification notice, working days (default 15)
    rectify_contact: str = ""  # 联系人 named on rectification notices
    rectify_phone: str = ""  # 联系电话 on them (default: supervision_phone)
    rectify_prefix: str = ""  # 发文字号 prefix: 台政公开 → 台政公开〔2026〕3号
    time_zone: str = ""  # IANA name the screens date and time things by; "" means Asia/Shanghai


@dataclass(slots=True)
class Catalogue:
    """Everything loaded from a content folder."""

    root: str
    county: County
    units: dict[str, Unit] = field(default_factory=dict)

    def powers(self) -> Iterator[PowerItem]:
        for unit in self.units.values():
            yield from unit.powers

    def notices(self) -> Iterator[Notice]:
        for unit in self.units.values():
            yield from unit.notices

    def announcements(self) -> Iterator[Announcement]:
        for unit in self.units.values():
            yield from unit.announcements
