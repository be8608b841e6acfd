"""Tasks for the worker's tests."""

from django.tasks import task


@task()
def succeed(value: int) -> int:
    return value * 2


@task()
def explode() -> None:
    raise ValueError("材料文件已损坏")
