"""The supermarket's JSON door, mounted at /api/marketplace/."""

from ninja import Router

from parkos.marketplace.api.catalogue import router as catalogue_router
from parkos.marketplace.api.orders import router as orders_router
from parkos.marketplace.api.vouchers import router as vouchers_router

router = Router(tags=["cloud service supermarket"])
router.add_router("", catalogue_router)
router.add_router("", orders_router)
router.add_router("", vouchers_router)
