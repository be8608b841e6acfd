from django.urls import path

from dangjian.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.notice_read, name="read"),
    path("read-all/", views.notice_read_all, name="read-all"),
    path("todo/", views.inbox, name="inbox"),
    path("announcements/", views.announcement_list, name="announcement-list"),
    path("announcements/new/", views.announcement_create, name="announcement-create"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("announcements/<int:pk>/edit/", views.announcement_edit, name="announcement-edit"),
    path("announcements/<int:pk>/withdraw/", views.announcement_withdraw, name="announcement-withdraw"),
    path("announcements/<int:pk>/confirm/", views.announcement_confirm, name="announcement-confirm"),
    path("announcements/<int:pk>/reads/", views.announcement_reads, name="announcement-reads"),
    path(
        "announcements/<int:pk>/files/<int:attachment_id>/",
        views.announcement_attachment,
        name="announcement-attachment",
    ),
    path("digest/", views.digest_preference, name="digest"),
    path("todo/count/", views.inbox_count, name="inbox-count"),
]
