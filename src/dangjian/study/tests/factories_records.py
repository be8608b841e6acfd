"""Meetings for the record tests: a general meeting and an organisational life meeting of a branch, held."""

from dangjian.study.tests.factories_activities import ActivityFactory, at


def held_meeting(org, form: str = "general_meeting", hours_ago: float = 3, **kwargs):
    """A published meeting of `org` that began `hours_ago` hours ago and lasted two hours."""
    return ActivityFactory(
        org=org, form=form, starts_at=at(-hours_ago), ends_at=at(-hours_ago + 2), publish=True, **kwargs
    )
