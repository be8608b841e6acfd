"""API of the library: reading."""

from ninja import Router

router = Router(tags=["library"])
