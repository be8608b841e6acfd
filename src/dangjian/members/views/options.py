"""The options URL of the member picker (`dangjian.edge.widgets.SearchSelect`)."""

from collections.abc import Iterator

from dangjian.accounts.http import AuthedRequest
from dangjian.edge.widgets import Option, OptionsQuery, options_view
from dangjian.members import selectors
from dangjian.orgs.forms import org_choice_label
from dangjian.orgs.selectors import member_choice_label, org_list


def member_option_list(members) -> Iterator[Option]:
    for member in members:
        yield Option(member.pk, *member_choice_label(member))


@options_view
def member_org_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """The new-member form's organisation picker: `member_orgs` (branches and groups where the actor may add
    members; what the form accepts) whose name contains `q`."""
    orgs = selectors.member_orgs(actor=request.user)
    if query.q:
        orgs = orgs.filter(name__contains=query.q)
    for org in orgs[: query.limit + 1]:
        yield Option(org.pk, *org_choice_label(org))


@options_view
def member_options(request: AuthedRequest, query: OptionsQuery) -> Iterator[Option]:
    """Members the actor may see, matching `q`; those of `near` (an organisation the actor may see;
    by default the actor's own branch) first."""
    near = None
    if raw := request.GET.get("near", ""):
        near = org_list(actor=request.user).filter(pk=int(raw) if raw.isdigit() else 0).first()
    return member_option_list(selectors.member_options(actor=request.user, q=query.q, near=near)[: query.limit + 1])
