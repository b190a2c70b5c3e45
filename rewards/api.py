from ninja import Router

router = Router(tags=["Points and rewards"])
