"""API of the library: materials."""

from ninja import Router

router = Router(tags=["library"])
