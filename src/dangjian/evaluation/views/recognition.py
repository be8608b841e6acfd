"""Recognition: the officers' list and form, and the evidence file for those who may see it."""

import mimetypes
from collections.abc import Iterator

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangjian.accounts.http import AuthedRequest
from dangjian.core.errors import DomainError
from dangjian.edge.http import form_status, page, submit
from dangjian.edge.paging import paginate
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.evaluation import selectors, services
from dangjian.evaluation.forms import RecognitionForm
from dangjian.evaluation.models import Recognition
from dangjian.members.views.options import member_option_list


@page(perm=selectors.PERM)
@require_GET
def recognition_list(request: AuthedRequest) -> HttpResponse:
    context = {"page_obj": paginate(request, selectors.recognition_list(actor=request.user))}
    return render(request, "evaluation/recognition_list.html", context)


@page(perm=selectors.PERM)
@require_http_methods(["GET", "POST"])
def recognition_create(request: AuthedRequest) -> HttpResponse:
    members = selectors.members_for_recognition(request.user)
    form = RecognitionForm(
        request.POST or None, request.FILES or None, members=members, initial={"member": request.GET.get("member", "")}
    )

    def record(data: dict) -> Recognition:
        member = form.chosen_member()
        if member is None:
            raise DomainError(_("Choose a member."), field="member")
        return services.recognition_create(
            actor=request.user,
            member=member,
            kind=data["kind"],
            title=data["title"],
            evidence=data["evidence"],
            awarded_on=data["awarded_on"],
            evidence_file=data["evidence_file"] or None,
        )

    if submit(request, form, record, success=_("The recognition has been recorded.")):
        return redirect("evaluation:recognition-list")
    return render(request, "evaluation/recognition_form.html", {"form": form}, status=form_status(form))


@page
@require_GET
def recognition_evidence(request: AuthedRequest, pk: int) -> HttpResponse:
    """The evidence file, for whoever may see the member (uploads are not public files)."""
    recognition = selectors.access_recognition(request.user, pk)
    if not recognition.evidence_file:
        raise Http404()
    content_type = mimetypes.guess_type(recognition.evidence_file.name)[0] or "application/octet-stream"
    response = FileResponse(
        recognition.evidence_file.open("rb"),
        content_type=content_type,
        filename=recognition.evidence_name or None,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@options_view(perm=selectors.PERM)
def recognition_member_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The recognition form's member picker: `members_for_recognition`, own branch first."""
    return member_option_list(selectors.members_for_recognition(request.user, query.q)[: query.limit + 1])


urlpatterns = [
    path("recognition/", recognition_list, name="recognition-list"),
    path("recognition/members/", recognition_member_options, name="recognition-members"),
    path("recognition/new/", recognition_create, name="recognition-create"),
    path("recognition/<int:pk>/evidence/", recognition_evidence, name="recognition-evidence"),
]
