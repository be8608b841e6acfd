from django.urls import path

from dangjian.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read-all/", views.notice_read_all, name="read-all"),
    path("todo/", views.inbox, name="inbox"),
    path("todo/count/", views.inbox_count, name="inbox-count"),
]
