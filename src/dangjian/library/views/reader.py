"""Pages of the library: reader."""

urlpatterns: list = []
