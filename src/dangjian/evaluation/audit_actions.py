"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "evaluation_campaign.": _("Evaluation campaigns (all)"),
        "evaluation_campaign.create": _("Evaluation started"),
        "evaluation_campaign.update": _("Evaluation changed"),
        "evaluation_campaign.advance": _("Evaluation moved to its next stage"),
        "evaluation_codes.generate": _("Ballot codes generated"),
        "evaluation_self_assessment.submit": _("Self-assessment submitted"),
        "evaluation_self_assessment.update": _("Self-assessment changed"),
        "evaluation.vote": _("Ballot cast"),
        "evaluation.non_member_assess": _("Assessment by a non-member"),
        "evaluation_proposal.submit": _("Grade proposed"),
        "evaluation_decision.record": _("Grade decided"),
        "evaluation_plan.create": _("Improvement plan made"),
        "evaluation_plan.close": _("Improvement plan closed"),
        "recognition.create": _("Recognition recorded"),
    }
)
