"""Evaluation's part of the to-do inbox: a self-assessment to write and a mutual evaluation (民主评议)
ballot to cast, while their phase is open."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.accounts.models import User
from dangjian.evaluation.selectors import campaigns_awaiting_my_self_assessment, campaigns_awaiting_my_vote
from dangjian.notices.inbox import ToDo

APP = gettext_lazy("Democratic evaluation")


def ballot_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Open mutual evaluations the actor takes part in and has not voted in, by the day voting closes
    (once it has closed no ballot is accepted, so nothing waits any more)."""
    items = []
    now = timezone.now()
    for campaign in campaigns_awaiting_my_vote(actor=actor):
        if campaign.mutual_closes_at is not None and campaign.mutual_closes_at < now:
            continue
        closes = timezone.localdate(campaign.mutual_closes_at) if campaign.mutual_closes_at else None
        items.append(
            ToDo(
                kind="evaluation.ballot",
                title=_("Mutual evaluation of %(org)s for %(year)s")
                % {"org": campaign.org.name, "year": campaign.year},
                url=reverse("evaluation:ballot", args=[campaign.pk]),
                due=closes,
                overdue=False,
                app=APP,
                icon="checklist",
                action=_("Vote"),
            )
        )
    return items


def self_assessment_todos(actor: User, today: datetime.date) -> list[ToDo]:
    """Campaigns open for self-assessment (自我评价) where the actor has not handed theirs in."""
    return [
        ToDo(
            kind="evaluation.self_assessment",
            title=_("Self-assessment for %(org)s %(year)s") % {"org": campaign.org.name, "year": campaign.year},
            url=reverse("evaluation:self-assessment", args=[campaign.pk]),
            due=None,
            overdue=False,
            app=APP,
            icon="notebook",
            action=_("Write"),
        )
        for campaign in campaigns_awaiting_my_self_assessment(actor=actor)
    ]
