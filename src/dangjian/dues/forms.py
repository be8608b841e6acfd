"""Forms of the dues pages. They only parse: the services check every rule and report per field."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.dues import rules
from dangjian.dues.models import Method, ReliefKind
from dangjian.edge.forms import DateInput


class MonthInput(forms.TextInput):
    """The browser's month picker (YYYY-MM)."""

    input_type = "month"

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return f"{value:%Y-%m}"
        return super().format_value(value)


class MonthField(forms.Field):
    """A calendar month, entered as YYYY-MM (a full date is read as its month), cleaned to its first day."""

    widget = MonthInput
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return rules.month_of(value)
        text = str(value).strip()
        try:
            day = datetime.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not 2000 <= day.year <= 2100:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return rules.month_of(day)


def parse_month(raw: str | None, default: datetime.date) -> datetime.date:
    """`?month=YYYY-MM` of a list page: its first day, or `default` when absent or not a month."""
    try:
        return MonthField(required=False).clean(raw) or default
    except ValidationError:
        return default


class BaseForm(forms.Form):
    payer_class = forms.ChoiceField(label=_("Pays as"), choices=rules.PAYER_CLASSES)
    amount = forms.DecimalField(
        label=_("Monthly base (元)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_(
            "After-tax monthly fixed pay (岗位工资、薪级工资、绩效工资、津贴补贴), or the pension for retirees. "
            "Not needed for the fixed amount."
        ),
    )
    effective_month = MonthField(
        label=_("From the month"), help_text=_("The month the new pay was first paid (党费规定第十条).")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_month"].initial = rules.month_of(timezone.localdate())


class GenerateForm(forms.Form):
    org = forms.IntegerField(widget=forms.HiddenInput)
    month = MonthField(label=_("Month"))


class PaymentForm(forms.Form):
    months = forms.MultipleChoiceField(
        label=_("Months paid"), widget=forms.CheckboxSelectMultiple, help_text=_("The whole amount of each month.")
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), choices=Method.choices)
    voluntary = forms.DecimalField(
        label=_("Voluntary extra (元)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_(
            "Beyond the dues, if the member wishes; 1,000 元 or more in one payment goes entirely to the Centre."
        ),
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (f"{line.month:%Y-%m}", f"{line.month:%Y-%m} · {line.amount_due} 元") for line in lines
        ]
        self.fields["paid_on"].initial = timezone.localdate()

    def clean_months(self) -> list[datetime.date]:
        return [datetime.date.fromisoformat(f"{value}-01") for value in self.cleaned_data["months"]]

    def clean_voluntary(self):
        return self.cleaned_data["voluntary"] or Decimal("0")


class ReliefForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReliefKind.choices)
    reduced_to = forms.DecimalField(
        label=_("Reduced monthly amount (元)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        help_text=_("Only for a reduction."),
    )
    from_month = MonthField(label=_("From the month"))
    until_month = MonthField(label=_("Until the month"))
    branch_decided_on = forms.DateField(label=_("The branch decided on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
