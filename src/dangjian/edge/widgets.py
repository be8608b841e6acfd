"""The search select: one widget for every choice that can grow (members, materials, organisations).

It renders a normal ``<select>`` holding only the chosen option(s) and a short first page of the
field's choices, so the page stays small and the form still works without JavaScript. With
JavaScript, ``edge/picker.js`` turns it into a Tom Select box that asks the options URL for matches
as the user types. The field keeps its full choices (or queryset): the server still accepts only
what the page's selector allows, whatever is sent.

The options URL answers ``{"results": [{"value", "text", "hint"}], "more": bool}``; `options_query`
reads and bounds its parameters, `options_response` writes the answer.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from itertools import islice

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from dangjian.core.errors import DomainError, Forbidden, NotFound

FIRST_PAGE = 20  # options written into the page before anyone types
MAX_LIMIT = 50
MAX_QUERY = 64

MEDIA = forms.Media(
    css={"all": ["vendor/tom-select/tom-select.bootstrap5.min.css"]},
    js=[
        forms.Script("vendor/tom-select/tom-select.popular.min.js", defer=True),
        forms.Script("edge/picker.js", defer=True),
    ],
)


class _SearchMixin:
    """What the single and the multiple search select share."""

    first_page = FIRST_PAGE
    placeholder = gettext_lazy("Type to search")

    def __init__(self, url: str, *, follow: str = "", keep: tuple[str, ...] = (), attrs=None, **kwargs):
        """`url` is a URL name (reversed when drawn) or a path; `follow` names another field of the
        same form whose value goes with every search as a parameter of the same name (the organiser
        of an activity, say), and whose change clears this one; `keep` are values of choices offered
        whatever is typed (a transfer's "out of the college")."""
        super().__init__(attrs=attrs, **kwargs)  # type: ignore[call-arg]
        self.url = url
        self.follow = follow
        self.keep = tuple(str(v) for v in keep)

    @property
    def media(self) -> forms.Media:
        return MEDIA

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        url = self.url if self.url.startswith("/") else reverse(self.url)
        extra = {
            "data-picker": url,
            "data-picker-placeholder": str(self.placeholder),
            "data-picker-empty": _("Nothing matches: try fewer or other characters."),
            "data-picker-loading": _("Searching…"),
            "data-picker-more": _("More match: type more to narrow the list."),
            "data-picker-remove": _("Take this choice away"),
        }
        if self.follow:
            extra["data-picker-follow"] = self.follow
        if self.keep:
            extra["data-picker-keep"] = " ".join(self.keep)
        context["widget"]["attrs"] = {**context["widget"]["attrs"], **extra}
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")} | set(self.keep)
        full = self.choices  # type: ignore[has-type]
        self.choices = list(_first_page(full, chosen, self.first_page))
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = full


def _first_page(choices, chosen: set[str], size: int) -> Iterable:
    """The blank choice, the first `size` choices and the chosen ones, without reading a queryset whole."""
    queryset = getattr(choices, "queryset", None)
    if queryset is not None:  # a model choice field: two small queries instead of the whole table
        field = choices.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        key = field.to_field_name or "pk"
        head = list(queryset[:size])
        seen = {str(getattr(obj, key)) for obj in head}
        missing = [v for v in chosen if v not in seen]
        try:  # a value sent that is no key at all ("abc" for a number) is simply not drawn
            rest = list(queryset.filter(**{f"{key}__in": missing})) if missing else []
        except (ValueError, TypeError, ValidationError):
            rest = []
        for obj in (*head, *rest):
            yield choices.choice(obj)
        return
    count = 0
    for option_value, label in choices:
        if isinstance(label, (list, tuple)):  # an option group: the group with what it keeps
            kept = [(v, text) for v, text in label if (count := count + 1) <= size or str(v) in chosen]
            if kept:
                yield (option_value, kept)
        elif option_value in (None, "") or (count := count + 1) <= size or str(option_value) in chosen:
            yield (option_value, label)


class SearchSelect(_SearchMixin, forms.Select):
    """A single choice found by typing (see the module's description)."""


class SearchSelectMultiple(_SearchMixin, forms.SelectMultiple):
    """Several choices found by typing (see the module's description)."""


# --- the options URL -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OptionsQuery:
    q: str
    limit: int


def options_query(params) -> OptionsQuery:
    """The search term and page size from a request's GET parameters; `DomainError` when out of bounds."""
    q = params.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise DomainError(_("The search term is too long (at most %(n)d characters).") % {"n": MAX_QUERY}, field="q")
    raw = params.get("limit", "") or str(FIRST_PAGE)
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise DomainError(_("The number of results must be between 1 and %(n)d.") % {"n": MAX_LIMIT}, field="limit")
    return OptionsQuery(q=q, limit=int(raw))


@dataclass(frozen=True)
class Option:
    value: object
    text: str
    hint: str = ""


def options_view(func: Callable | None = None, *, perm: str | None = None):
    """Decorate an options URL: `func(request, query)` returns the matching `Option`s, best first.

    Answers JSON throughout: 401 without a login, 404 when `perm` is held nowhere or the object is
    out of reach, 400 with the error body (as the API's) for bad input, else the first page."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs) -> JsonResponse:
            if not request.user.is_authenticated:
                return _error(_("Log in first."), None, 401)
            try:
                if perm is not None and not request.user.has_perm(perm):
                    raise NotFound()
                query = options_query(request.GET)
                return options_response(view(request, query, *args, **kwargs), query.limit)
            except DomainError as exc:
                status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, Forbidden) else 400
                return _error(exc.message, exc.field, status)

        return require_GET(wrapper)

    return decorate(func) if func is not None else decorate


def _error(message, field: str | None, status: int) -> JsonResponse:
    body: dict = {"detail": str(message)}
    if field:
        body |= {"field": field, "errors": {field: [str(message)]}}
    return JsonResponse(body, status=status)


def options_response(options: Iterable[Option], limit: int) -> JsonResponse:
    """The first `limit` options and whether there are more (read one beyond, never the whole list)."""
    page = list(islice(options, limit + 1))
    results = [{"value": str(o.value), "text": o.text, "hint": o.hint} for o in page[:limit]]
    return JsonResponse({"results": results, "more": len(page) > limit})
