"""Audiences: which members an activity, a reading list, a topic or a material is meant for.

An audience is all members, the members of some categories (`members.Category`), or the officers.
Study and the library both use it, so it lives with the members it selects. Pure: no ORM.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    ALL = "all", _("All members")
    FACULTY = "faculty", _("Faculty and staff")
    STUDENTS = "students", _("Students")
    RETIRED = "retired", _("Retirees")
    OFFICERS = "officers", _("Officers")


# Member categories (members.Category) each audience reaches; "all" and "officers" are not by category.
AUDIENCE_CATEGORIES: dict[str, frozenset[str]] = {
    "faculty": frozenset({"faculty"}),
    "students": frozenset({"undergraduate", "graduate"}),
    "retired": frozenset({"retired"}),
}


def in_audience(audience: str, category: str, is_officer: bool) -> bool:
    """Whether a member of the organiser's subtree is expected at an activity for `audience`.
    Members exempt on the day (病弱、出国、流动; 教育管理条例 Art.23, 32) are left out separately."""
    if audience == "all":
        return True
    if audience == "officers":
        return is_officer
    return category in AUDIENCE_CATEGORIES.get(audience, frozenset())


def audiences_including(category: str, *, is_officer: bool) -> list[str]:
    """The audiences that include a member of this category (an officer or not)."""
    return [value for value in Audience.values if in_audience(value, category, is_officer)]
