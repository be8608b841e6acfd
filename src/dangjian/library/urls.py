from dangjian.library.views import materials, reader, topics

app_name = "library"
# Each area's view module owns its routes.
urlpatterns = [*materials.urlpatterns, *reader.urlpatterns, *topics.urlpatterns]
