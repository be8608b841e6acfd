"""Other records of a member studying a material, registered by the apps that keep them.

A member has studied a material when they read it in the reader (`ReadingSession`) or when another
app records study of it: study's self-study log names the material studied. That app registers its
model here from its `AppConfig.ready` (a model with `member` and `material` foreign keys), so the
library counts those records without knowing the other app's models.
"""

from django.db import models

_MODELS: list[type[models.Model]] = []


def register_study_record(model: type[models.Model]) -> None:
    """Called from an app's `AppConfig.ready`: `model` has `member` and `material` foreign keys."""
    if model not in _MODELS:
        _MODELS.append(model)


def study_record_models() -> tuple[type[models.Model], ...]:
    return tuple(_MODELS)
