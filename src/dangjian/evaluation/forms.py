"""Forms of the evaluation pages: they parse input; the services check the rules."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangjian.edge.forms import DateInput
from dangjian.edge.widgets import SearchSelect
from dangjian.evaluation import rules
from dangjian.evaluation.models import Participant
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


class Segmented(forms.RadioSelect):
    """Radio buttons drawn as one row of buttons (Tabler's btn-group): one tap each, a target big enough
    for a thumb, no drop-down. Without a script they post like any radio buttons."""

    template_name = "evaluation/widgets/segmented.html"
    option_template_name = "evaluation/widgets/segmented_option.html"


def _scale_choices() -> list[tuple[int, str]]:
    return sorted(rules.SCALE_LABELS.items(), reverse=True)


@dataclass(frozen=True)
class BallotCard:
    """One member on the ballot: the overall rating, the criteria (folded away) and their state."""

    subject: Participant
    overall: forms.BoundField
    criteria: list[forms.BoundField]
    rated: bool
    criteria_open: bool


class BallotForm(forms.Form):
    """One card per member rated, so that a ballot fits a phone.

    The overall rating is one tap: the suggested grade for a full member, a score on the scale for a
    probationary member (who is not graded). Each criterion stays "as overall" unless the voter scores
    it, and then takes the score of the overall rating (`rules.GRADE_DEFAULT_SCORE`). The service gets
    what it always got: a score per criterion and, for a full member, a grade."""

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        as_overall = [("", _("As overall")), *_scale_choices()]
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            if subject.is_full:
                self.fields[f"{prefix}grade"] = forms.ChoiceField(
                    label=_("Suggested grade"), choices=Grade.choices, required=False, widget=Segmented
                )
            else:
                self.fields[f"{prefix}overall"] = forms.TypedChoiceField(
                    label=_("Overall rating"), choices=_scale_choices(), coerce=int, empty_value=None,
                    required=False, widget=Segmented,
                )  # fmt: skip
            for criterion in rules.CRITERIA:
                self.fields[f"{prefix}{criterion.code}"] = forms.TypedChoiceField(
                    label=criterion.label, choices=as_overall, coerce=int, empty_value=None,
                    required=False, widget=Segmented,
                )  # fmt: skip

    @staticmethod
    def overall_name(subject) -> str:
        return f"m{subject.member_id}_{'grade' if subject.is_full else 'overall'}"

    def _raw(self, name: str) -> str:
        value = self[name].value()
        return "" if value is None else str(value)

    def _is_rated(self, subject) -> bool:
        """Whether the voter has rated this member: a grade (full member), or an overall rating or a score
        for every criterion (probationary member)."""
        if self._raw(self.overall_name(subject)):
            return True
        return not subject.is_full and all(self._raw(f"m{subject.member_id}_{c}") for c in rules.CRITERION_CODES)

    def cards(self) -> list[BallotCard]:
        cards = []
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            criteria = [self[f"{prefix}{code}"] for code in rules.CRITERION_CODES]
            opened = any(self._raw(field.name) or field.errors for field in criteria)
            cards.append(
                BallotCard(subject, self[self.overall_name(subject)], criteria, self._is_rated(subject), opened)
            )
        return cards

    def rated_count(self) -> int:
        return sum(1 for subject in self.subjects if self._is_rated(subject))

    def clean(self):
        data = super().clean()
        missing = []
        for subject in self.subjects:
            name = self.overall_name(subject)
            if name not in data:  # already refused as an unknown choice
                continue
            scores = [data.get(f"m{subject.member_id}_{code}") for code in rules.CRITERION_CODES]
            if subject.is_full and not data[name]:
                self.add_error(name, _("Suggest a grade."))
                missing.append(subject.member.name)
            elif not subject.is_full and data[name] is None and None in scores:
                self.add_error(name, _("Give an overall rating, or a score for every criterion."))
                missing.append(subject.member.name)
        if missing:
            raise forms.ValidationError(
                _("Rate every member; not yet rated: %(names)s.") % {"names": "、".join(missing)}
            )
        return data

    def ratings(self) -> dict[int, BallotRating]:
        """What the service takes: every criterion left "as overall" scored from the overall rating."""
        data = self.cleaned_data
        ratings = {}
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            if subject.is_full:
                grade = data.get(f"{prefix}grade") or ""
                default = rules.GRADE_DEFAULT_SCORE.get(grade)
            else:
                grade, default = "", data.get(f"{prefix}overall")
            scores = {code: data.get(f"{prefix}{code}") for code in rules.CRITERION_CODES}
            ratings[subject.member_id] = BallotRating(
                scores={code: default if value is None else value for code, value in scores.items()}, grade=grade
            )
        return ratings

    def rest_as_qualified(self) -> "BallotForm":
        """The ballot as posted, every member not yet rated rated 合格 (a probationary member: the matching
        score). Nothing is cast: the voter sees the filled-in ballot and casts it."""
        values = {name: self._raw(name) for name in self.fields}
        for subject in self.subjects:
            if not self._is_rated(subject):
                fill = Grade.QUALIFIED if subject.is_full else rules.GRADE_DEFAULT_SCORE[Grade.QUALIFIED]
                values[self.overall_name(subject)] = str(fill)
        return type(self)(initial=values, subjects=self.subjects)

    def defaults_legend(self) -> list[tuple[str, int, str]]:
        """(grade, score, the scale's word for it): what "as overall" stands for."""
        return [(Grade(g).label, score, rules.SCALE_LABELS[score]) for g, score in rules.GRADE_DEFAULT_SCORE.items()]


class NonMemberForm(BallotForm):
    """A non-member rates the members they know, on the same cards: an overall rating on the scale (or
    "don't know", the default: that member is not rated), the criteria as overall unless scored apart."""

    code = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, subjects=[], **kwargs)
        self.subjects = list(subjects)
        as_overall = [("", _("As overall")), *_scale_choices()]
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            self.fields[f"{prefix}overall"] = forms.TypedChoiceField(
                label=_("Overall rating"), choices=[("", _("Don't know")), *_scale_choices()], coerce=int,
                empty_value=None, required=False, widget=Segmented,
            )  # fmt: skip
            for criterion in rules.CRITERIA:
                self.fields[f"{prefix}{criterion.code}"] = forms.TypedChoiceField(
                    label=criterion.label, choices=as_overall, coerce=int, empty_value=None,
                    required=False, widget=Segmented,
                )  # fmt: skip

    @staticmethod
    def overall_name(subject) -> str:
        return f"m{subject.member_id}_overall"

    def _is_rated(self, subject) -> bool:
        prefix = f"m{subject.member_id}_"
        return bool(self._raw(f"{prefix}overall")) or all(self._raw(f"{prefix}{c}") for c in rules.CRITERION_CODES)

    def clean(self):
        data = forms.Form.clean(self)
        for subject in self.subjects:
            name = self.overall_name(subject)
            scores = [data.get(f"m{subject.member_id}_{code}") for code in rules.CRITERION_CODES]
            if name in data and data[name] is None and None in scores and any(v is not None for v in scores):
                self.add_error(name, _("Give an overall rating, or a score for every criterion."))
        return data

    def ratings(self) -> dict[int, BallotRating]:
        """The members rated (an overall rating or every criterion), each criterion as overall filled in."""
        data = self.cleaned_data
        ratings = {}
        for subject in self.subjects:
            prefix = f"m{subject.member_id}_"
            overall = data.get(f"{prefix}overall")
            scores = {code: data.get(f"{prefix}{code}") for code in rules.CRITERION_CODES}
            filled = {code: overall if value is None else value for code, value in scores.items()}
            if all(value is not None for value in filled.values()):
                ratings[subject.member_id] = BallotRating(scores=filled)
        return ratings


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
