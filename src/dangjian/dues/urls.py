from dangjian.dues import views

app_name = "dues"
urlpatterns = views.urlpatterns
