"""The library API: one router, with a sub-router per area (each area's module owns its operations)."""

from ninja import Router

from dangjian.library.api import materials, reading, topics

router = Router(tags=["library"])
router.add_router("", materials.router)
router.add_router("", reading.router)
router.add_router("", topics.router)
