"""The study API: one router, with a sub-router per area (each area's module owns its operations)."""

from ninja import Router

from dangjian.study.api import activities, committee_meetings, past_records, plans, records, schedule, selfstudy

router = Router(tags=["study"])
router.add_router("", plans.router)
router.add_router("", past_records.router)
router.add_router("", activities.router)
router.add_router("", selfstudy.router)
router.add_router("", schedule.router)
router.add_router("", records.router)
router.add_router("", committee_meetings.router)
