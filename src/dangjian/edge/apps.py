from django.apps import AppConfig


class EdgeConfig(AppConfig):
    """The kit every page and API operation uses: layout, components, page and form helpers, paging."""

    name = "dangjian.edge"
    label = "edge"
