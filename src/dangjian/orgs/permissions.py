from dangjian.accounts.models import User
from dangjian.accounts.permissions import Perm, scope_for
from dangjian.core.errors import NotFound
from dangjian.orgs.models import Organisation


def access_org(actor: User, org_id, perm: Perm = Perm.VIEW_ORG) -> Organisation:
    """The organisation if the actor holds `perm` over it; 404 for missing and forbidden alike."""
    try:
        org = Organisation.objects.select_related("parent").get(pk=org_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope_for(actor).allows(perm, org.path):
        raise NotFound()
    return org


def can_manage_org(actor: User, org: Organisation) -> bool:
    return scope_for(actor).allows(Perm.MANAGE_ORG, org.path)


def access_officer_term(actor: User, term_id, perm: Perm = Perm.VIEW_ORG):
    """A term of office if the actor holds `perm` over its organisation; 404 otherwise."""
    from dangjian.orgs.models import OfficerTerm

    try:
        term = OfficerTerm.objects.select_related("org", "member").get(pk=term_id)
    except (OfficerTerm.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not scope_for(actor).allows(perm, term.org.path):
        raise NotFound()
    return term
