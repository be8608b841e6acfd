import pytest

from dangjian.care.models import CareSettings
from dangjian.orgs.inherited import inherited_settings
from dangjian.orgs.tests.factories import OrganisationFactory
from dangjian.study.models import StudySettings

pytestmark = pytest.mark.django_db

DEFAULTS = {"accept_working_days": 5, "answer_working_days": 15}


@pytest.fixture
def tree():
    top = OrganisationFactory(kind="committee", name="党委")
    middle = OrganisationFactory(kind="general_branch", name="总支", parent=top)
    leaf = OrganisationFactory(name="支部", parent=middle)
    return top, middle, leaf


def test_nobody_chose_the_defaults_apply(tree):
    resolved = inherited_settings(CareSettings, tree[2], DEFAULTS)
    assert resolved.values == DEFAULTS
    assert resolved.source == {}


def test_the_nearest_choice_wins_field_by_field(tree):
    top, middle, leaf = tree
    CareSettings.objects.create(org=top, accept_working_days=3, answer_working_days=20)
    CareSettings.objects.create(org=middle, accept_working_days=4)
    resolved = inherited_settings(CareSettings, leaf, DEFAULTS)
    assert resolved.values == {"accept_working_days": 4, "answer_working_days": 20}
    assert resolved.source == {"accept_working_days": middle, "answer_working_days": top}


def test_own_false_leaves_the_organisations_own_choice_out(tree):
    top, middle, leaf = tree
    CareSettings.objects.create(org=top, accept_working_days=3)
    CareSettings.objects.create(org=leaf, accept_working_days=1)
    assert inherited_settings(CareSettings, leaf, DEFAULTS).values["accept_working_days"] == 1
    above = inherited_settings(CareSettings, leaf, DEFAULTS, own=False)
    assert above.values["accept_working_days"] == 3
    assert above.source == {"accept_working_days": top}


def test_a_blank_text_inherits_and_read_composes_a_value(tree):
    top, middle, leaf = tree
    StudySettings.objects.create(org=top, place="党员活动室", length_minutes=90)
    StudySettings.objects.create(org=leaf, place="")
    resolved = inherited_settings(
        StudySettings,
        leaf,
        {"place": "", "length_minutes": 60, "both": None},
        read={"both": lambda row: (row.place, row.length_minutes) if row.length_minutes else None},
    )
    assert resolved.values == {"place": "党员活动室", "length_minutes": 90, "both": ("党员活动室", 90)}
    assert resolved.source == {"place": top, "length_minutes": top, "both": top}


def test_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        inherited_settings(CareSettings, tree[2], DEFAULTS)
