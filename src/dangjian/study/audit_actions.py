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
        "meeting_minutes.save": _("Meeting minutes written"),
        "vote_record.add": _("Vote recorded"),
        "vote_record.remove": _("Vote record removed"),
        "life_meeting.save": _("Organisational life meeting stages recorded"),
        "rectification.add": _("Rectification measure added"),
        "rectification.done": _("Rectification measure done"),
    }
)

# Meetings at committee level (党委会, 党政联席会议), their agenda and decisions.
register(
    {
        "committee_meeting.": _("Committee meetings (all)"),
        "committee_meeting.create": _("Committee meeting created"),
        "committee_meeting.update": _("Committee meeting changed"),
        "committee_meeting.attendee_add": _("Leader expected at a committee meeting"),
        "agenda_item.": _("Agenda items (all)"),
        "agenda_item.add": _("Agenda item added"),
        "agenda_item.update": _("Agenda item changed"),
        "agenda_item.remove": _("Agenda item removed"),
        "external_attendee.add": _("External attendee recorded"),
        "external_attendee.remove": _("External attendee removed"),
        "decision.": _("Meeting decisions (all)"),
        "decision.create": _("Meeting decision recorded"),
        "decision.update": _("Meeting decision changed"),
        "decision.complete": _("Meeting decision done"),
        "decision.reopen": _("Meeting decision reopened"),
    }
)
