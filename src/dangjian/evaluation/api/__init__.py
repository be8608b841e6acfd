"""The evaluation API: one router, with a sub-router per area (each area's module owns its operations).

Voting through the API keeps the pages' secrecy: a ballot is cast with the caller's token, the answer
carries only the receipt code (once), and nothing reads a ballot back."""

from ninja import Router

from dangjian.evaluation.api import campaigns, results

router = Router(tags=["evaluation"])
router.add_router("", campaigns.router)
router.add_router("", results.router)
