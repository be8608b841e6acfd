"""A to-do source that the inbox tests register by its dotted path."""

import datetime

from dangjian.notices.inbox import ToDo


def overdue_report(actor, today: datetime.date) -> list[ToDo]:
    yesterday = today - datetime.timedelta(days=1)
    return [ToDo(kind="test.lazy", title="报告", url="/x/", due=yesterday, overdue=True, app="测试", icon="checks")]
