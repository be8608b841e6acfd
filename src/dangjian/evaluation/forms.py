"""Forms of the evaluation pages: they parse input; the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.edge.forms import DateInput
from dangjian.edge.widgets import SearchSelect
from dangjian.evaluation import rules
from dangjian.evaluation.rules import Grade, RecognitionKind
from dangjian.evaluation.services import BallotRating
from dangjian.orgs.forms import org_label
from dangjian.orgs.selectors import member_choice_label

SCORE_CHOICES = [("", "—")] + [
    (value, f"{value} {label}") for value, label in sorted(rules.SCALE_LABELS.items(), reverse=True)
]
GRADE_CHOICES = [("", "—"), *Grade.choices]


def _score_field(label) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class CampaignForm(forms.Form):
    org = forms.TypedChoiceField(label=_("Branch"), coerce=int)
    year = forms.IntegerField(label=_("Year"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    with_non_members = forms.BooleanField(label=_("Hold an assessment by non-members (one-time codes)"), required=False)
    excellent_limit = forms.CharField(
        label=_("Warn when the share of excellent grades exceeds"),
        initial="1/3",
        max_length=10,
        help_text=_("Normally at most a third; write e.g. 1/3 or 30%."),
    )
    mutual_closes_at = forms.DateTimeField(
        label=_("Mutual evaluation closes at (optional)"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(org.pk, org_label(org)) for org in orgs]
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year

    def clean_excellent_limit(self):
        limit = rules.parse_limit(self.cleaned_data["excellent_limit"])
        if limit is None:
            raise forms.ValidationError(_("Write a share between 0 and 1, e.g. 1/3 or 30%."))
        return limit


class CampaignSettingsForm(CampaignForm):
    def __init__(self, *args, campaign, **kwargs):
        limit = f"{campaign.excellent_limit_numerator}/{campaign.excellent_limit_denominator}"
        initial = {
            "org": campaign.org_id,
            "year": campaign.year,
            "with_non_members": campaign.with_non_members,
            "excellent_limit": limit,
            "mutual_closes_at": timezone.localtime(campaign.mutual_closes_at) if campaign.mutual_closes_at else None,
        }
        super().__init__(*args, orgs=[campaign.org], initial=initial, **kwargs)
        self.fields["org"].disabled = True
        self.fields["year"].disabled = True


class AdvanceForm(forms.Form):
    expected = forms.CharField(widget=forms.HiddenInput)


def _criterion_fields(form: forms.Form, prefix: str, *, with_comment: bool = False) -> list[str]:
    names = []
    for criterion in rules.CRITERIA:
        name = f"{prefix}{criterion.code}"
        form.fields[name] = _score_field(criterion.label)
        form.fields[name].help_text = criterion.help
        names.append(name)
        if with_comment:
            form.fields[f"comment_{criterion.code}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=rules.COMMENT_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )  # fmt: skip
    return names


class SelfAssessmentForm(forms.Form):
    analysis = forms.CharField(
        label=_("Party-spirit analysis (党性分析)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=rules.ANALYSIS_MAX_CHARS,
        help_text=_(
            "Measure yourself against the standard of a qualified member and the oath: strengths, gaps, what you will do."
        ),
    )

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        analysis = self.fields.pop("analysis")
        _criterion_fields(self, "score_", with_comment=True)
        self.fields["analysis"] = analysis
        if assessment is not None and not self.is_bound:
            for code in rules.CRITERION_CODES:
                self.initial[f"score_{code}"] = assessment.scores.get(code)
                self.initial[f"comment_{code}"] = assessment.comments.get(code, "")
            self.initial["analysis"] = assessment.analysis

    def criteria_rows(self):
        return [(c, self[f"score_{c.code}"], self[f"comment_{c.code}"]) for c in rules.CRITERIA]

    def data_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {code: data.get(f"score_{code}") for code in rules.CRITERION_CODES},
            "comments": {code: data.get(f"comment_{code}", "") for code in rules.CRITERION_CODES},
            "analysis": data["analysis"],
        }


class BallotForm(forms.Form):
    """One block per member rated: a score per criterion and, for a full member, a suggested grade."""

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        for subject in self.subjects:
            _criterion_fields(self, f"m{subject.member_id}_")
            if subject.is_full:
                self.fields[f"m{subject.member_id}_grade"] = forms.ChoiceField(
                    label=_("Suggested grade"), choices=GRADE_CHOICES, required=False
                )

    def blocks(self):
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            scores = [self[f"{prefix}{code}"] for code in rules.CRITERION_CODES]
            grade = self[f"{prefix}grade"] if subject.is_full else None
            yield subject, scores, grade

    def ratings(self) -> dict[int, BallotRating]:
        data = self.cleaned_data
        return {
            subject.member_id: BallotRating(
                scores={code: data.get(f"m{subject.member_id}_{code}") for code in rules.CRITERION_CODES},
                grade=data.get(f"m{subject.member_id}_grade", "") or "",
            )
            for subject in self.subjects
        }


class NonMemberForm(BallotForm):
    """A non-member rates the members they know on the criteria; a member left blank is not rated."""

    code = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, subjects=[], **kwargs)
        self.subjects = list(subjects)
        for subject in self.subjects:
            _criterion_fields(self, f"m{subject.member_id}_")

    def blocks(self):
        for subject in self.subjects:
            yield subject, [self[f"m{subject.member_id}_{code}"] for code in rules.CRITERION_CODES], None

    def ratings(self) -> dict[int, BallotRating]:
        ratings = super().ratings()
        return {key: rating for key, rating in ratings.items() if any(v is not None for v in rating.scores.values())}


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("One-time code"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Receipt code"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=rules.NON_MEMBER_CODES_MAX, initial=10)


class ProposalForm(forms.Form):
    def __init__(self, *args, graded=(), results=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.graded = list(graded)
        results = results or {}
        for participant in self.graded:
            existing = results.get(participant.member_id)
            self.fields[f"grade_{participant.member_id}"] = forms.ChoiceField(
                label=participant.member.name,
                choices=GRADE_CHOICES,
                initial=existing.proposed_grade if existing else Grade.QUALIFIED,
            )
            self.fields[f"note_{participant.member_id}"] = forms.CharField(
                label=_("Reason"), required=False, max_length=500,
                initial=existing.proposal_note if existing else "",
            )  # fmt: skip

    def rows(self):
        return [(p, self[f"grade_{p.member_id}"], self[f"note_{p.member_id}"]) for p in self.graded]

    def grades(self) -> dict[int, str]:
        return {p.member_id: self.cleaned_data[f"grade_{p.member_id}"] for p in self.graded}

    def notes(self) -> dict[int, str]:
        return {p.member_id: self.cleaned_data.get(f"note_{p.member_id}", "") for p in self.graded}


class DecisionForm(forms.Form):
    meeting_on = forms.DateField(label=_("General meeting held on"), widget=DateInput())
    entitled = forms.IntegerField(label=_("Members with the vote (应到)"), min_value=0)
    attended = forms.IntegerField(label=_("Members with the vote present (实到)"), min_value=0)
    note = forms.CharField(label=_("Minutes of the decision"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, results=(), entitled: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.results = list(results)
        if not self.is_bound:
            self.initial.setdefault("entitled", entitled)
            self.initial.setdefault("meeting_on", timezone.localdate())
        for result in self.results:
            self.fields[f"grade_{result.member_id}"] = forms.ChoiceField(
                label=result.member.name, choices=Grade.choices, initial=result.decided_grade or result.proposed_grade
            )

    def rows(self):
        return [(r, self[f"grade_{r.member_id}"]) for r in self.results]

    def grades(self) -> dict[int, str]:
        return {r.member_id: self.cleaned_data[f"grade_{r.member_id}"] for r in self.results}


class PlanForm(forms.Form):
    content = forms.CharField(
        label=_("What is to be improved, and the help offered"), widget=forms.Textarea(attrs={"rows": 5})
    )
    deadline = forms.DateField(
        label=_("Deadline"), widget=DateInput(), help_text=_("At most one year after the decision.")
    )


class PlanCloseForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 4}))
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput(), required=False)


class RecognitionForm(forms.Form):
    member = forms.TypedChoiceField(
        label=_("Member"), coerce=int, widget=SearchSelect("evaluation:recognition-members")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=RecognitionKind.choices)
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("E.g. the award, the project or the achievement.")
    )
    awarded_on = forms.DateField(label=_("Date"), widget=DateInput())
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 4}), max_length=rules.EVIDENCE_MAX_CHARS
    )
    evidence_file = forms.FileField(
        label=_("Evidence file (optional)"),
        required=False,
        help_text=_("A PDF or a photo, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {member.pk: member for member in members}
        self.fields["member"].choices = [("", "—")] + [
            (m.pk, " · ".join(part for part in member_choice_label(m) if part)) for m in self.members.values()
        ]
        if not self.is_bound:
            self.initial.setdefault("awarded_on", timezone.localdate())

    def chosen_member(self):
        return self.members.get(self.cleaned_data["member"])
