from dangjian.development import views

app_name = "development"
urlpatterns = views.urlpatterns
