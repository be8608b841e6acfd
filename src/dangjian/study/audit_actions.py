"""The audit log's names for the actions this app records (see `dangjian.accounts.audit_actions`)."""

from django.utils.translation import gettext_lazy as _

from dangjian.accounts.audit_actions import register

register(
    {
        "activity.": _("Activities (all)"),
        "activity.create": _("Activity created"),
        "activity.update": _("Activity changed"),
        "activity.publish": _("Activity published"),
        "activity.cancel": _("Activity cancelled"),
        "activity.close": _("Check-in closed"),
        "activity.record": _("Activity minutes recorded"),
        "activity.import_record": _("Past meeting imported"),
        "activity.photo_add": _("Activity photo added"),
        "activity.photo_remove": _("Activity photo removed"),
        "activity.demo_reopen": _("Demo activity reopened"),
        "attendance.mark": _("Attendance recorded"),
        "leave.create": _("Leave requested"),
        "leave.decide": _("Leave decided"),
        "make_up.submit": _("Make-up study submitted"),
        "make_up.review": _("Make-up study reviewed"),
        "study_plan.": _("Study plans (all)"),
        "study_plan.create": _("Study plan created"),
        "study_plan.update": _("Study plan changed"),
        "study_plan.publish": _("Study plan published"),
        "study_plan.receive_required": _("Required items received"),
        "plan_item.add": _("Plan item added"),
        "plan_item.update": _("Plan item changed"),
        "plan_item.remove": _("Plan item removed"),
        "plan_item.schedule": _("Plan item scheduled"),
        "directive.create": _("Study directive issued"),
        "directive.update": _("Study directive changed"),
        "semester.create": _("Semester defined"),
        "semester.update": _("Semester changed"),
        "calendar_day.set": _("Working-day calendar changed"),
        "calendar_day.remove": _("Working-day calendar day removed"),
        "reading_list.create": _("Reading list created"),
        "reading_list.update": _("Reading list changed"),
        "self_study.log": _("Self-study logged"),
        "self_study.update": _("Self-study entry changed"),
        "self_study.delete": _("Self-study entry deleted"),
        "study_ledger.export": _("Study ledger exported"),
        "study_settings.update": _("Study settings changed"),
    }
)
