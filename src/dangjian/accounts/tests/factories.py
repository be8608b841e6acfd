import factory

from dangjian.accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n:05d}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("test-password-123")
