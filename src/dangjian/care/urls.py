from dangjian.care.views import needs, talks

app_name = "care"
# Each area's view module owns its routes.
urlpatterns = [*needs.urlpatterns, *talks.urlpatterns]
