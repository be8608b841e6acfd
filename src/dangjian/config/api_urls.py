from dangjian.config.api import api

urlpatterns = api.urls[0]
# The namespace Django Ninja reverses its own URLs in (`api:openapi-json`); `api.urls[1]` is
# the application name "ninja", which would become the namespace through `include()`.
app_name = api.urls_namespace
