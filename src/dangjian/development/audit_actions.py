"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "development.": _("Member development (all)"),
        "development.register": _("Applicant registered"),
        "development.step_record": _("Development step recorded"),
        "development.mentors_assign": _("Mentors assigned"),
        "development.reveal": _("Applicant's ID number shown"),
    }
)
