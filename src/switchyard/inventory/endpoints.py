"""The inventory context's routes: ledger, supply, availability, reservations, admin."""

from fastapi import APIRouter

from switchyard.inventory import (
    admin_endpoints,
    availability_endpoints,
    reservation_endpoints,
    stock_endpoints,
    supply_endpoints,
)

router = APIRouter()
for module in (
    stock_endpoints,
    supply_endpoints,
    availability_endpoints,
    reservation_endpoints,
    admin_endpoints,
):
    router.include_router(module.router)
