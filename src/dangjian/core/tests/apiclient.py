"""Test helpers for the API: a client that sends a bearer token for an account."""

from django.test import Client

from dangjian.accounts.models import User
from dangjian.accounts.services import api_token_create

API = "/api/v1"


class ApiClient(Client):
    """A test client that speaks JSON; with a user, every request carries their bearer token."""

    def __init__(self, user: User | None = None, **kwargs):
        headers = kwargs.pop("headers", {}) or {}
        if user is not None:
            _, key = api_token_create(actor=user)
            headers["Authorization"] = f"Bearer {key}"
        super().__init__(headers=headers, **kwargs)

    def post(self, path, data=None, **kwargs):
        return super().post(API + path, data if data is not None else {}, content_type="application/json", **kwargs)

    def patch(self, path, data=None, **kwargs):
        return super().patch(API + path, data if data is not None else {}, content_type="application/json", **kwargs)

    def post_form(self, path, data, **kwargs):
        """A multipart/form-data POST, for uploads."""
        return super().post(API + path, data, **kwargs)

    def delete(self, path, data=None, **kwargs):
        return super().delete(API + path, data or "", content_type="application/json", **kwargs)

    def put(self, path, data=None, **kwargs):
        return super().put(API + path, data if data is not None else {}, content_type="application/json", **kwargs)

    def get(self, path, data=None, **kwargs):
        return super().get(API + path, data, **kwargs)


def api_as(user: User | None) -> ApiClient:
    return ApiClient(user)
