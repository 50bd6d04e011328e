"""A Switchyard server with one extra route whose use case can hang, to be killed mid-request.

``python -m tests.e2e.idem_claimant <database-url> <port>``; with ``HANG=1`` in the
environment, ``POST /hanging-products`` creates the product and then sleeps inside its
transaction, as a request does when its process is about to be killed.
"""

from __future__ import annotations

import os
import sys
import time

import uvicorn
from fastapi import Request
from fastapi.responses import JSONResponse

from switchyard.api import idempotency
from switchyard.api.app import create_app
from switchyard.api.deps import CatalogWrite, DbDep
from switchyard.catalog import service
from switchyard.catalog.schemas import ProductCreate, ProductRead
from switchyard.config import Settings
from switchyard.db.uow import UnitOfWork


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    app = create_app(Settings(database_url=url))

    @app.post("/hanging-products", status_code=201)
    def hanging_product(
        body: ProductCreate, request: Request, db: DbDep, principal: CatalogWrite
    ) -> JSONResponse:
        def use_case(uow: UnitOfWork) -> ProductRead:
            made = ProductRead(**service.create_product(uow, body.model_dump()))
            if os.environ.get("HANG") == "1":
                time.sleep(600)
            return made

        return idempotency.create(request, db, principal, body, use_case)

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
