from dangjian.members.views import imports, roster  # noqa: F401
