from django.urls import include, path

urlpatterns = [
    path("", include("dangjian.web.urls")),
    path("accounts/", include("dangjian.accounts.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("members/", include("dangjian.members.urls")),
    path("study/", include("dangjian.study.urls")),
    path("library/", include("dangjian.library.urls")),
    path("notices/", include("dangjian.notices.urls")),
    path("care/", include("dangjian.care.urls")),
    path("rights/", include("dangjian.rights.urls")),
    path("evaluation/", include("dangjian.evaluation.urls")),
    path("compliance/", include("dangjian.compliance.urls")),
    path("ops/", include("dangjian.ops.urls")),
    path("api/v1/", include("dangjian.config.api_urls")),
]
