"""The annual report's official vocabularies: channels, applicant types (table 3's columns), the
outcomes (table 3's rows) and the review and litigation results (table 4's columns).

Wording follows 国办公开办函〔2021〕30号 exactly: these strings are the rows and columns of the
XLSX/CSV the report writes, so they are never paraphrased.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = ("当面", "信函", "网络", "传真")

NATURAL_PERSON = "自然人"
ORGANISATIONS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
APPLICANTS = (NATURAL_PERSON, *ORGANISATIONS)
# table 3's columns, as the official table heads them (two header rows)
TABLE3_COLUMNS = (*APPLICANTS, "总计")
ORGANISATION_HEAD = "法人或其他组织"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One row of table 3's 本年度办理结果: its group ((一)…(六)) and, in a group with items, the item."""

    group: str
    item: str = ""

    @property
    def key(self) -> str:
        """How the register stores it: 予以公开, or 不予公开/属于国家秘密."""
        return f"{self.group}/{self.item}" if self.item else self.group


GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ()),
    ("部分公开", ()),
    ("不予公开", ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”", "保护第三方合法权益",
              "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")),
    ("无法提供", ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")),
    ("不予处理", ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
              "要求行政机关确认或重新出具已获取信息")),
    ("其他处理", ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他")),
)
GROUP_NUMBERS = ("（一）", "（二）", "（三）", "（四）", "（五）", "（六）")
# the official row label of a group (部分公开 carries its counting note)
GROUP_LABELS = {"部分公开": "部分公开（区分处理的，只计这一情形，不计其他情形）"}

OUTCOMES: tuple[Outcome, ...] = tuple(
    Outcome(group, item) for group, items in GROUPS for item in (items or ("",)))
OUTCOME_KEYS = {o.key: o for o in OUTCOMES}


def parse_outcome(text: str) -> Outcome:
    """An outcome from its key (不予公开/属于国家秘密), a group without items, or an item's own name
    when that is unique; ValueError with the choices otherwise."""
    text = text.strip().replace("／", "/")
    if text in OUTCOME_KEYS:
        return OUTCOME_KEYS[text]
    matches = [o for o in OUTCOMES if o.item == text or (o.item.endswith(text) and len(text) >= 4)]
    if len(matches) == 1:
        return matches[0]
    groups = [g for g, items in GROUPS if g == text and items]
    if groups:
        raise ValueError(f"“{text}”须写明具体情形，例如 {text}/{dict(GROUPS)[text][0]}")
    raise ValueError(f"没有“{text}”这种办理结果；可选：{'、'.join(o.key for o in OUTCOMES)}")


# table 4: 行政复议, then 行政诉讼 未经复议直接起诉 and 复议后起诉, each with these five columns
CASE_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结")
CASE_KINDS = ("行政复议", "未经复议直接起诉", "复议后起诉")
TABLE4_COLUMNS = tuple(f"{kind}/{result}" for kind in CASE_KINDS for result in (*CASE_RESULTS, "总计"))
