from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The requested page of `queryset` (the last one if the number is too large)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
