from dangjian.rights import views

app_name = "rights"
urlpatterns = views.urlpatterns
