from django.urls import path

from dangjian.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("menu/", views.menu, name="menu"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/screen/", views.dashboard_screen, name="dashboard-screen"),
]
