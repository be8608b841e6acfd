"""Pages of study topics (学习专题): the topics assigned to me with my progress, those of my scope,
one topic's materials, and the officer's form."""

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.http import page, submit
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.library.forms_topics import TopicForm
from dangjian.library.models import Topic
from dangjian.library.selectors import topics as selectors
from dangjian.library.selectors.materials import MANAGE_PERM, orgs_managed
from dangjian.library.services import topics as services
from dangjian.orgs.permissions import access_org


@page
@require_GET
def topic_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "assigned": selectors.assigned_topics(request.user),
        "overseen": selectors.overseen_topics(request.user),
        "can_create": bool(orgs_managed(request.user)),
    }
    return render(request, "library/topic_list.html", context)


@page(perm=MANAGE_PERM)
@require_http_methods(["GET", "POST"])
def topic_create(request: AuthedRequest) -> HttpResponse:
    form = TopicForm(
        request.POST or None,
        orgs=orgs_managed(request.user),
        materials=selectors.material_choices(request.user),
    )

    def create(data: dict[str, Any]) -> Topic:
        org = access_org(request.user, data["org"], MANAGE_PERM)
        return services.topic_create(actor=request.user, org=org, materials=form.material_ids(), **form.topic_data())

    if done := submit(
        request,
        form,
        create,
        success=lambda topic: _("The topic “%(title)s” has been assigned.") % {"title": topic.title},
    ):
        return redirect("library:topic-detail", pk=done.result.pk)
    return render(request, "library/topic_form.html", {"form": form, "topic": None}, status=400 if form.errors else 200)


@page
@require_GET
def topic_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    topic = selectors.access_topic(request.user, pk)
    return render(request, "library/topic_detail.html", {"view": selectors.topic_detail(request.user, topic)})


@page
@require_http_methods(["GET", "POST"])
def topic_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    topic = selectors.access_topic(request.user, pk, manage=True)
    current = list(topic.entries.order_by("position", "pk").values_list("material_id", flat=True))
    form = TopicForm(
        request.POST or None,
        orgs=[topic.org],
        materials=selectors.material_choices(request.user, keep=current),
        initial=TopicForm.initial_for(topic, current),
    )
    form.fields["org"].disabled = True
    if submit(
        request,
        form,
        lambda data: services.topic_update(
            actor=request.user, topic=topic, materials=form.material_ids(), **form.topic_data()
        ),
        success=_("The topic has been saved."),
    ):
        return redirect("library:topic-detail", pk=topic.pk)
    return render(
        request, "library/topic_form.html", {"form": form, "topic": topic}, status=400 if form.errors else 200
    )


@options_view
def material_options(request: AuthedRequest, query: OptionsQuery):
    """The material picker's options: published materials the actor may see, by title."""
    for material in selectors.material_options(request.user, q=query.q)[: query.limit + 1]:
        yield Option(material.pk, *selectors.material_choice_label(material))


urlpatterns = [
    path("materials/options/", material_options, name="material-options"),
    path("topics/", topic_list, name="topic-list"),
    path("topics/new/", topic_create, name="topic-create"),
    path("topics/<int:pk>/", topic_detail, name="topic-detail"),
    path("topics/<int:pk>/edit/", topic_edit, name="topic-edit"),
]
