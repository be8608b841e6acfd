from dangjian.study.views import (
    activities,
    calendar,
    committee_meetings,
    past_records,
    plans,
    records,
    schedule,
    selfstudy,
)

app_name = "study"
# Each area's view module owns its routes.
urlpatterns = [
    *plans.urlpatterns,
    *past_records.urlpatterns,
    *activities.urlpatterns,
    *selfstudy.urlpatterns,
    *schedule.urlpatterns,
    *calendar.urlpatterns,
    *records.urlpatterns,
    *committee_meetings.urlpatterns,
]
