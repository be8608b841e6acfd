from django.urls import path

from dangjian.members.views import imports, options, roster

app_name = "members"
urlpatterns = [
    path("", roster.member_list, name="member-list"),
    path("new/", roster.member_create, name="member-create"),
    path("options/", options.member_options, name="member-options"),
    path("options/orgs/", options.member_org_options, name="member-org-options"),
    path("export/", imports.member_export, name="member-export"),
    path("<int:pk>/", roster.member_detail, name="member-detail"),
    path("<int:pk>/edit/", roster.member_edit, name="member-edit"),
    path("<int:pk>/reveal/", roster.member_reveal, name="member-reveal"),
    path("<int:pk>/transfer/", roster.member_transfer, name="member-transfer"),
    path("<int:pk>/situations/new/", roster.situation_add, name="situation-add"),
    path("<int:pk>/password-reset/", roster.password_reset, name="member-password-reset"),
    path("<int:pk>/account-deactivate/", roster.account_deactivate, name="member-account-deactivate"),
    path("import/", imports.import_upload, name="import-upload"),
    path("import/template/", imports.import_template, name="import-template"),
    path("import/<str:token>/", imports.import_preview, name="import-preview"),
    path("import/<str:token>/confirm/", imports.import_confirm, name="import-confirm"),
]
