from ninja import Router

router = Router(tags=["Badges, levels and leaderboards"])
