from django.urls import path

from dangjian.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("password/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_list, name="audit-list"),
    path("roles/", views.role_list, name="role-list"),
    path("roles/grant/", views.role_grant, name="role-grant"),
    path("roles/<int:pk>/end/", views.role_end, name="role-end"),
]
