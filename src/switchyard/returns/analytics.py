"""Return rates: units received back against units shipped, by SKU, reason or channel."""

from __future__ import annotations

from datetime import datetime

from switchyard.db.uow import UnitOfWork
from switchyard.inventory import refs
from switchyard.returns.repository import ReturnRepository
from switchyard.returns.schemas import RateRead


def rate(sold: int | None, returned: int) -> float | None:
    return round(returned / sold, 4) if sold else None


def rates(uow: UnitOfWork, by: str, channel: str | None, since: datetime | None) -> list[RateRead]:
    channel_id = refs.channel_id(uow, channel) if channel else None
    rows = uow.repo(ReturnRepository).return_rates(by=by, channel_id=channel_id, since=since)
    return [
        RateRead(
            key=r["key"],
            sold=r.get("sold"),
            returned=r["returned"],
            rate=rate(r.get("sold"), r["returned"]),
        )
        for r in rows
    ]
