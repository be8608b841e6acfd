from django.urls import path

from dangjian.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("new/", views.org_create, name="org-create"),
    path("options/", views.org_options, name="org-options"),
    path("<int:pk>/", views.org_detail, name="org-detail"),
    path("<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("<int:pk>/officers/new/", views.officer_appoint, name="officer-appoint"),
    path("<int:pk>/officers/candidates/", views.officer_candidate_options, name="officer-candidates"),
    path("officers/<int:pk>/end/", views.officer_end, name="officer-end"),
]

# Role grants live here, as they are granted on an organisation, but keep their place among the
# account pages: the project's URLs add them to the "accounts" namespace under accounts/.
role_urlpatterns = [
    path("roles/", views.role_list, name="role-list"),
    path("roles/grant/", views.role_grant, name="role-grant"),
    path("roles/grant/orgs/", views.role_grant_org_options, name="role-grant-orgs"),
    path("roles/<int:pk>/end/", views.role_end, name="role-end"),
]
