import factory

from dangjian.accounts.system import system_actor
from dangjian.orgs import services
from dangjian.orgs.models import Organisation


class OrganisationFactory(factory.Factory):
    class Meta:
        model = Organisation

    parent = None
    kind = "branch"
    name = factory.Sequence(lambda n: f"第{n}党支部")
    code = factory.Sequence(lambda n: f"ORG{n:05d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.org_create(actor=system_actor(), **kwargs)
