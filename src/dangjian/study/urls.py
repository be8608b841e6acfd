from dangjian.study.views import activities, calendar, past_records, plans, schedule, selfstudy

app_name = "study"
# Each area's view module owns its routes.
urlpatterns = [
    *plans.urlpatterns,
    *past_records.urlpatterns,
    *activities.urlpatterns,
    *selfstudy.urlpatterns,
    *schedule.urlpatterns,
    *calendar.urlpatterns,
]
