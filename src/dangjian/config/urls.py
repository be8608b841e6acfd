from django.urls import include, path

from dangjian.accounts.urls import urlpatterns as account_urlpatterns
from dangjian.orgs.urls import role_urlpatterns

urlpatterns = [
    path("", include("dangjian.web.urls")),
    path("accounts/", include((account_urlpatterns + role_urlpatterns, "accounts"))),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("study/", include("dangjian.study.urls")),
    path("library/", include("dangjian.library.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("care/", include("dangjian.care.urls")),
    path("rights/", include("dangjian.rights.urls")),
    path("evaluation/", include("dangjian.evaluation.urls")),
    path("compliance/", include("dangjian.compliance.urls")),
    path("development/", include("dangjian.development.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("ops/", include("dangjian.ops.urls")),
    path("api/v1/", include("dangjian.config.api_urls")),
]

# The API answers every error with its JSON body, the pages with their templates.
handler400 = "dangjian.config.errors.bad_request"
handler403 = "dangjian.config.errors.permission_denied"
handler404 = "dangjian.config.errors.page_not_found"
handler500 = "dangjian.config.errors.server_error"
