from dangjian.evaluation.views import campaigns, recognition, results, voting

app_name = "evaluation"
# Each area's view module owns its routes.
urlpatterns = [*campaigns.urlpatterns, *voting.urlpatterns, *results.urlpatterns, *recognition.urlpatterns]
