"""Writes of the democratic evaluation: campaigns, voting, results and follow-up, recognition."""

from dangjian.evaluation.services.ballots import (
    BallotRating,
    ballot_cast,
    non_member_assess,
    non_member_campaign_for,
    non_member_codes_generate,
    self_assessment_submit,
)
from dangjian.evaluation.services.campaigns import campaign_advance, campaign_create, campaign_update
from dangjian.evaluation.services.recognition import recognition_create
from dangjian.evaluation.services.results import (
    ProposalOutcome,
    decision_record,
    improvement_plan_close,
    improvement_plan_create,
    proposal_submit,
)

__all__ = [
    "BallotRating",
    "ProposalOutcome",
    "ballot_cast",
    "campaign_advance",
    "campaign_create",
    "campaign_update",
    "decision_record",
    "improvement_plan_close",
    "improvement_plan_create",
    "non_member_assess",
    "non_member_campaign_for",
    "non_member_codes_generate",
    "proposal_submit",
    "recognition_create",
    "self_assessment_submit",
]
