"""A fake kind of appealable decision, so that appeals are tested without the apps that decide."""

import datetime
import itertools

from dangjian.members.models import Member
from dangjian.orgs.models import Organisation
from dangjian.rights.registry import AppealableKind, AppealSubject, register_appealable, unregister_appealable

FAKE_KIND = "test_decision"


class FakeDecisions:
    """Decisions kept in memory; `closed` ones resolve but may no longer be appealed."""

    def __init__(self, kind: str = FAKE_KIND):
        self.kind = kind
        self.subjects: dict[int, AppealSubject] = {}
        self.closed: set[int] = set()
        self._ids = itertools.count(1)

    def add(
        self,
        member: Member,
        org: Organisation,
        description: str = "2026年度民主评议：基本合格",
        decided_on: datetime.date = datetime.date(2026, 1, 15),
    ) -> int:
        pk = next(self._ids)
        self.subjects[pk] = AppealSubject(
            member_id=member.pk, org=org, description=description, decided_on=decided_on, url="/evaluation/results/"
        )
        return pk

    def resolve(self, pk: int) -> AppealSubject | None:
        return self.subjects.get(pk)

    def choices_for(self, member_id: int) -> list[tuple[int, AppealSubject]]:
        return [(pk, s) for pk, s in self.subjects.items() if s.member_id == member_id and pk not in self.closed]

    def register(self) -> "FakeDecisions":
        register_appealable(
            AppealableKind(
                kind=self.kind,
                label="测试决定",
                resolve=lambda pk: self.resolve(pk),
                choices_for=lambda member_id: self.choices_for(member_id),
            )
        )
        return self

    def unregister(self) -> None:
        unregister_appealable(self.kind)
