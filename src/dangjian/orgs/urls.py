from django.urls import path

from dangjian.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("new/", views.org_create, name="org-create"),
    path("<int:pk>/", views.org_detail, name="org-detail"),
    path("<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("<int:pk>/officers/new/", views.officer_appoint, name="officer-appoint"),
    path("officers/<int:pk>/end/", views.officer_end, name="officer-end"),
]
