"""Pages of the library: materials."""

urlpatterns: list = []
