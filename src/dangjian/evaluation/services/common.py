"""What every evaluation service checks first."""

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import Forbidden
from dangjian.evaluation.models import Campaign
from dangjian.evaluation.selectors import PERM
from dangjian.orgs.models import Organisation


def check_manage(actor: User, campaign_or_org: Campaign | Organisation) -> None:
    """Refuse an actor without MANAGE_EVALUATION over the branch (the system actor holds it everywhere)."""
    org = campaign_or_org.org if isinstance(campaign_or_org, Campaign) else campaign_or_org
    if not scope_for(actor).allows(PERM, org.path):
        raise Forbidden()
