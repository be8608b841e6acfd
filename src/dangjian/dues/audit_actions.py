"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "dues.": _("Party dues (all)"),
        "dues.base_declare": _("Dues base declared"),
        "dues.base_confirm": _("Dues base confirmed"),
        "dues.base_import": _("Dues bases imported"),
        "dues.ledger_generate": _("Month's dues ledger generated"),
        "dues.payment_record": _("Dues payment recorded"),
        "dues.relief_propose": _("Dues relief proposed by the branch"),
        "dues.relief_approve": _("Dues relief approved by the committee"),
    }
)
