from dangjian.study.views import activities, calendar, plans, records, schedule, selfstudy

app_name = "study"
# Each area's view module owns its routes.
urlpatterns = [
    *plans.urlpatterns,
    *records.urlpatterns,
    *activities.urlpatterns,
    *selfstudy.urlpatterns,
    *schedule.urlpatterns,
    *calendar.urlpatterns,
]
