"""The register's forms: every field checked on the server; choices are the official lists."""

from __future__ import annotations

from django import forms

from signage.requests.vocab import APPLICANTS, CASE_KINDS, CASE_RESULTS, CHANNELS, OUTCOMES

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what <input type=date> reads


def _choices(values: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class RequestForm(forms.Form):
    unit = forms.ChoiceField(label="受理单位")
    received = forms.DateField(label="收到申请日期", widget=_DATE)
    channel = forms.ChoiceField(label="申请方式", choices=_choices(CHANNELS))
    applicant = forms.ChoiceField(label="申请人类型", choices=_choices(APPLICANTS),
                                  help_text="法人或其他组织按商业企业、科研机构、社会公益组织、法律服务机构、其他选择")
    applicant_name = forms.CharField(label="申请人姓名或名称", max_length=200, required=False,
                                     help_text="只保存在登记簿中，不进入年度报告")
    subject = forms.CharField(label="申请公开的政府信息", max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: object, units: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = list(units.items())


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="办理结果（年度报告表三）",
                                choices=[(o.key, o.key.replace("/", " · ")) for o in OUTCOMES])
    answered = forms.DateField(label="答复日期", widget=_DATE)
    note = forms.CharField(label="备注", max_length=1000, required=False)


class ExtendForm(forms.Form):
    approved = forms.DateField(label="批准延期日期", widget=_DATE)
    approver = forms.CharField(label="批准人（政府信息公开工作机构负责人）", max_length=100)
    reason = forms.CharField(label="延期理由（告知申请人）", max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CaseForm(forms.Form):
    unit = forms.ChoiceField(label="被申请单位")
    year = forms.IntegerField(label="计入年度", min_value=2019, max_value=2100)
    kind = forms.ChoiceField(label="类别", choices=_choices(CASE_KINDS))
    result = forms.ChoiceField(label="结果", choices=_choices(CASE_RESULTS))
    number = forms.CharField(label="案号", max_length=100, required=False)

    def __init__(self, *args: object, units: dict[str, str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = list(units.items())


class SupplementForm(forms.Form):
    """补正: the day the notice went out, or the day the supplement came in (which the action says)."""

    day = forms.DateField(label="日期", widget=_DATE)


class EditForm(RequestForm):
    """Correcting a wrongly entered request: the registration's fields and why."""

    reason = forms.CharField(label="更正原因（记入修改记录）", max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因（记入修改记录）", max_length=500)
