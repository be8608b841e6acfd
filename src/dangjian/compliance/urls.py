from django.urls import path

from dangjian.compliance import views

app_name = "compliance"
urlpatterns = [
    path("warnings/", views.warning_overview, name="warning-overview"),
    path("branches/<int:org_id>/warnings/", views.warning_list, name="warning-list"),
    path("branches/<int:org_id>/warnings/closed/", views.warning_history, name="warning-history"),
    path("branches/<int:org_id>/warnings/refresh/", views.warning_refresh, name="warning-refresh"),
    path("warnings/<int:pk>/", views.warning_detail, name="warning-detail"),
    path("warnings/<int:pk>/close/", views.warning_close, name="warning-close"),
    path("life/", views.life, name="life"),
    path("life/<int:org_id>/", views.life_branch, name="life-branch"),
    path("life/settings/<int:org_id>/", views.life_settings, name="life-settings"),
    path("life/<int:org_id>/excuses/", views.life_excuse, name="life-excuse"),
    path("life/excuses/<int:pk>/withdraw/", views.life_excuse_withdraw, name="life-excuse-withdraw"),
]
