"""Reads for member care, each limited to the actor's scope."""

from dangjian.care.selectors.common import branch_of, branch_secretary, member_branch
from dangjian.care.selectors.talks import last_talk_dates

__all__ = ["branch_of", "branch_secretary", "last_talk_dates", "member_branch"]
