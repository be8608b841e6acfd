from django.urls import path

from dangjian.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("menu/", views.menu, name="menu"),
]
