from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, tuple_, update

from switchyard.carriers.domain import Rate, Service
from switchyard.carriers.tables import (
    carrier_rates,
    carrier_services,
    carrier_transit_days,
    carriers,
    geo_centroids,
)
from switchyard.carriers.zones import CITY, POSTAL, Centroids, Place, fold_city, postal_prefixes
from switchyard.db.crud import get_by_id_or_code, keyset_page, update_versioned
from switchyard.kernel.clock import utcnow
from switchyard.kernel.ids import new_id

C, SV = carriers.c, carrier_services.c


class CarrierRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, row: dict[str, Any]) -> None:
        self.conn.execute(insert(carriers).values(**row))

    def get(self, ref: str) -> dict[str, Any] | None:
        return get_by_id_or_code(self.conn, carriers, ref)

    def code_taken(self, code: str) -> bool:
        return self.conn.execute(select(C.id).where(C.code == code)).first() is not None

    def page(
        self, *, active: bool | None, after_id: str | None, limit: int
    ) -> list[dict[str, Any]]:
        where = [C.active == active] if active is not None else []
        return keyset_page(self.conn, carriers, where=where, after_id=after_id, limit=limit)

    def update(self, carrier_id: str, version: int, values: dict[str, Any]) -> bool:
        return update_versioned(self.conn, carriers, carrier_id, version, values)

    def put_service(
        self, carrier_id: str, values: dict[str, Any], rates: list[Rate], transit: dict[int, int]
    ) -> None:
        """Create or replace one service of a carrier with its rate and transit tables."""
        found = self.conn.execute(
            select(SV.id).where(SV.carrier_id == carrier_id, SV.code == values["code"])
        ).scalar()
        if found is None:
            found = new_id("csv")
            self.conn.execute(
                insert(carrier_services).values(id=found, carrier_id=carrier_id, **values)
            )
        else:
            self.conn.execute(update(carrier_services).where(SV.id == found).values(**values))
            self.conn.execute(delete(carrier_rates).where(carrier_rates.c.service_id == found))
            self.conn.execute(
                delete(carrier_transit_days).where(carrier_transit_days.c.service_id == found)
            )
        if rates:
            self.conn.execute(
                insert(carrier_rates),
                [
                    {
                        "service_id": found,
                        "zone": r.zone,
                        "max_weight_grams": r.max_weight_grams,
                        "amount": r.amount,
                    }
                    for r in rates
                ],
            )
        if transit:
            self.conn.execute(
                insert(carrier_transit_days),
                [{"service_id": found, "zone": z, "days": d} for z, d in sorted(transit.items())],
            )

    def services(
        self,
        carrier_ids: list[str] | None = None,
        *,
        codes: list[str] | None = None,
        active_only: bool = False,
    ) -> list[tuple[Service, bool]]:
        """Services with their tables (and whether each is active), by carrier id or code."""
        query = select(
            SV.id, SV.code, SV.name, SV.currency, SV.active, C.code.label("carrier")
        ).join(carriers, C.id == SV.carrier_id)
        if carrier_ids is not None:
            query = query.where(SV.carrier_id.in_(carrier_ids))
        if codes is not None:
            query = query.where(C.code.in_(codes))
        if active_only:
            query = query.where(SV.active.is_(True), C.active.is_(True))
        rows = list(self.conn.execute(query.order_by(C.code, SV.code)).mappings())
        ids = [r["id"] for r in rows]
        rates: dict[str, list[Rate]] = {i: [] for i in ids}
        transit: dict[str, dict[int, int]] = {i: {} for i in ids}
        if ids:
            for r in self.conn.execute(
                select(carrier_rates)
                .where(carrier_rates.c.service_id.in_(ids))
                .order_by(carrier_rates.c.zone, carrier_rates.c.max_weight_grams)
            ).mappings():
                rates[r["service_id"]].append(Rate(r["zone"], r["max_weight_grams"], r["amount"]))
            for r in self.conn.execute(
                select(carrier_transit_days).where(carrier_transit_days.c.service_id.in_(ids))
            ).mappings():
                transit[r["service_id"]][r["zone"]] = r["days"]
        return [
            (
                Service(
                    r["carrier"],
                    r["code"],
                    r["name"],
                    r["currency"],
                    tuple(rates[r["id"]]),
                    transit[r["id"]],
                ),
                bool(r["active"]),
            )
            for r in rows
        ]

    def by_codes(self, codes: list[str]) -> dict[str, dict[str, Any]]:
        rows = self.conn.execute(select(carriers).where(C.code.in_(set(codes)))).mappings()
        return {r["code"]: dict(r) for r in rows}

    # -- centroids -----------------------------------------------------------------------
    def put_centroids(self, rows: list[dict[str, Any]]) -> None:
        """Insert or replace centroids (delete then insert, so both databases agree)."""
        if not rows:
            return
        keys = [(r["country_code"], r["kind"], r["key"]) for r in rows]
        g = geo_centroids.c
        self.conn.execute(
            delete(geo_centroids).where(tuple_(g.country_code, g.kind, g.key).in_(keys))
        )
        now = utcnow()
        self.conn.execute(insert(geo_centroids), [{**r, "updated_at": now} for r in rows])

    def centroids_for(self, places: list[Place]) -> Centroids:
        """The stored centroids that could place any of ``places``."""
        g = geo_centroids.c
        clauses = []
        for p in places:
            country = p.country_code.upper()
            prefixes = postal_prefixes(p.postal_code or "")
            if prefixes:
                clauses.append(
                    and_(g.country_code == country, g.kind == POSTAL, g.key.in_(prefixes))
                )
            if p.city:
                clauses.append(
                    and_(g.country_code == country, g.kind == CITY, g.key == fold_city(p.city))
                )
        if not clauses:
            return {}
        rows = self.conn.execute(select(geo_centroids).where(or_(*clauses))).mappings()
        return {
            (r["country_code"], r["kind"], r["key"]): (r["latitude"], r["longitude"]) for r in rows
        }

    def centroid_page(
        self, country_code: str | None, after: tuple[str, str, str] | None, limit: int
    ) -> list[dict[str, Any]]:
        g = geo_centroids.c
        query = select(geo_centroids)
        if country_code:
            query = query.where(g.country_code == country_code.upper())
        if after:
            query = query.where(tuple_(g.country_code, g.kind, g.key) > tuple_(*after))
        query = query.order_by(g.country_code, g.kind, g.key).limit(limit + 1)
        return [dict(r) for r in self.conn.execute(query).mappings()]
