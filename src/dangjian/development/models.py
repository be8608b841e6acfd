"""People in the member-development pipeline (not members yet) and the steps recorded for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dangjian.core.models import TimeStampedModel
from dangjian.development import rules
from dangjian.members.models import Category, Gender


class Stage(models.TextChoices):
    APPLY = rules.APPLY, _("Applicant")
    ACTIVIST = rules.ACTIVIST, _("Activist")
    CANDIDATE = rules.CANDIDATE, _("Candidate")
    ADMISSION = rules.ADMISSION, _("Being admitted")
    PROBATION = rules.PROBATION, _("Probationary member")
    FULL = rules.FULL, _("Full member")


class PersonQuerySet(models.QuerySet):
    def for_list(self) -> "PersonQuerySet":
        return self.select_related("org", "org__parent")


class Person(TimeStampedModel):
    """Someone who has applied to join the Party, from the application to full membership."""

    name = models.CharField(_("name"), max_length=64)
    name_initials = models.CharField(_("pinyin initials"), max_length=64, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    number = models.CharField(_("staff or student number"), max_length=32, unique=True, null=True, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    admin_unit = models.CharField(_("department or class"), max_length=100, blank=True)
    # The branch that develops the person (细则2014 第六条: the organisation where they work or study).
    org = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("branch"), on_delete=models.PROTECT, related_name="development_people"
    )
    # Derived from the recorded steps by the service that records them (`rules.stage_of`), kept for lists.
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.APPLY, db_index=True)
    applied_on = models.DateField(_("applied on"))
    mentors = models.ManyToManyField(
        "members.Member", verbose_name=_("mentors"), blank=True, related_name="development_mentees"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person in development")
        verbose_name_plural = _("people in development")
        ordering = ["applied_on", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def stage_label(self) -> str:
        return self.get_stage_display()


class StepRecord(TimeStampedModel):
    """One step as it happened: its date, who recorded it and under which version of the rules."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=32, choices=rules.STEP_CHOICES)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    rule_version = models.CharField(_("rule version"), max_length=8)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    training_days = models.PositiveSmallIntegerField(_("training days"), null=True, blank=True)
    training_hours = models.DecimalField(
        _("training study hours"), max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("recorded step")
        verbose_name_plural = _("recorded steps")
        ordering = ["person", "on", "pk"]
        constraints = [
            # Each of the 25 steps happens once per person; reviews and 思想汇报 repeat.
            models.UniqueConstraint(
                fields=["person", "step"],
                condition=~Q(step__in=sorted(rules.REPEATING)),
                name="development_step_once",
            ),
            # 细则2014 第三十二条: a probation is extended once, by 6 to 12 months; months belong to nothing else.
            models.CheckConstraint(
                condition=(
                    Q(
                        step=rules.EXTENSION,
                        months__gte=rules.EXTENSION_MIN_MONTHS,
                        months__lte=rules.EXTENSION_MAX_MONTHS,
                    )
                    | (~Q(step=rules.EXTENSION) & Q(months__isnull=True))
                ),
                name="development_extension_months",
            ),
            models.CheckConstraint(
                condition=Q(rule_version__in=sorted(rules.RULESET_BY_KEY)), name="development_rule_version_known"
            ),
        ]
        indexes = [models.Index(fields=["person", "step"], name="development_person_step_idx")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_step_display()} · {self.on}"

    def as_rule_record(self) -> rules.Record:
        return rules.Record(self.step, self.on, self.months, self.training_days, self.training_hours)
