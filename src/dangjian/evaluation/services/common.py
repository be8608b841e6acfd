"""What every evaluation service checks first."""

from dangjian.accounts.models import User
from dangjian.accounts.permissions import scope_for
from dangjian.core.errors import Forbidden
from dangjian.evaluation.models import Campaign
from dangjian.evaluation.selectors import PERM


def check_manage(actor: User | None, campaign_or_org) -> None:
    """Refuse an actor without MANAGE_EVALUATION over the branch (None: the system, as the demo writes)."""
    org = campaign_or_org.org if isinstance(campaign_or_org, Campaign) else campaign_or_org
    if actor is not None and not scope_for(actor).allows(PERM, org.path):
        raise Forbidden()
