"""``switchyard masterdata``: channels, locations, SKUs and customers from the command line.

Every record goes through the same schema and use case as the HTTP API, so the rules and
error codes are the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import Progress

from switchyard.catalog.repository import SkuRepository
from switchyard.catalog.schemas import SkuCreate
from switchyard.catalog.sku_creation import create_skus
from switchyard.channels.repository import ChannelRepository
from switchyard.channels.schemas import ChannelCreate
from switchyard.channels.service import create_channel
from switchyard.cli.context import cli_actor, open_database
from switchyard.cli.records import Rows, read_records
from switchyard.customers.repository import CustomerRepository
from switchyard.customers.schemas import CustomerCreate
from switchyard.customers.service import create_customer
from switchyard.db.uow import UnitOfWork
from switchyard.kernel.errors import SwitchyardError
from switchyard.locations.repository import LocationRepository
from switchyard.locations.schemas import LocationCreate
from switchyard.locations.service import create_location

HELP = "\n\n".join(
    [
        "Master data: channels, locations, SKUs and customers.",
        "Create one record: switchyard masterdata KIND create --help",
        "Import many from a file: switchyard masterdata KIND import FILE",
        "KIND is channels, locations, skus or customers.",
        "A JSON file holds a list of objects (or {'items': [...]}) with the fields of the "
        "API's POST body. A CSV file holds one record per row: a header such as address.city "
        "fills a nested field, a cell starting with [ or { is read as JSON, empty cells are "
        "left out. For SKUs a header price:CHANNEL:CURRENCY holds that price; for customers, "
        "address.* columns give one address.",
        "Every record is checked before anything is written; records are then written in "
        "chunks, one transaction each. If an import stops on an error, fix the file and run it "
        "again with --skip-existing to continue.",
    ]
)
_ITEM = re.compile(r"^items\.(\d+)\.?")
app = typer.Typer(help=HELP, no_args_is_help=True)
console = Console()


@dataclass(frozen=True)
class Kind:
    name: str
    schema: type[BaseModel]
    key: str  # the field that identifies a record: code, sku or email
    create_many: Callable[[UnitOfWork, Rows], Rows]
    existing: Callable[[UnitOfWork, list[str]], set[str]]
    prepare: Callable[[dict[str, Any]], dict[str, Any]] = lambda record: record


def _each(use_case: Callable[[UnitOfWork, dict[str, Any]], dict[str, Any]]) -> Any:
    def create_many(uow: UnitOfWork, records: Rows) -> Rows:
        created = []
        for i, record in enumerate(records):
            try:
                created.append(use_case(uow, record))
            except SwitchyardError as exc:
                exc.extra["record_index"] = i
                raise
        return created

    return create_many


def _sku_prices(record: dict[str, Any]) -> dict[str, Any]:
    prices = record.setdefault("prices", [])
    for header in [k for k in record if k.startswith("price:")]:
        _, channel, currency = [*header.split(":"), "", ""][:3]
        prices.append({"channel": channel, "currency": currency, "amount": record.pop(header)})
    return record


def _customer_address(record: dict[str, Any]) -> dict[str, Any]:
    if isinstance(record.get("address"), dict):
        record.setdefault("addresses", []).append(record.pop("address"))
    return record


def _codes(repo: type[ChannelRepository] | type[LocationRepository]) -> Any:
    return lambda uow, codes: {c for c in codes if uow.repo(repo).code_taken(c)}


def _skus(uow: UnitOfWork, codes: list[str]) -> set[str]:
    return set(uow.repo(SkuRepository).by_codes(codes))


def _emails(uow: UnitOfWork, emails: list[str]) -> set[str]:
    repo = uow.repo(CustomerRepository)
    return {e for e in emails if repo.by_email(e) is not None}


KINDS = {
    kind.name: kind
    for kind in [
        Kind("channels", ChannelCreate, "code", _each(create_channel), _codes(ChannelRepository)),
        Kind(
            "locations", LocationCreate, "code", _each(create_location), _codes(LocationRepository)
        ),
        Kind("skus", SkuCreate, "sku", create_skus, _skus, _sku_prices),
        Kind(
            "customers", CustomerCreate, "email", _each(create_customer), _emails, _customer_address
        ),
    ]
}


def _fail(message: str, exc: SwitchyardError | None = None, offset: int | None = 0) -> typer.Exit:
    """Print the error and exit 1. Batch fields ``items.N.x`` become record numbers in the
    file (counting from ``offset``), or plain fields when ``offset`` is None."""
    console.print(f"[red]error[/] {message}")
    for error in exc.errors if exc else []:
        field = _ITEM.sub(
            lambda m: "" if offset is None else f"record {offset + int(m[1]) + 1}: ", error.field
        )
        console.print(f"  {field or '-'}: {error.message} ({error.code})")
    return typer.Exit(1)


def _validate(kind: Kind, records: Rows) -> Rows:
    """Every record checked by the API's schema; any problem stops before anything is written."""
    valid, problems = [], []
    for n, record in enumerate(records, start=1):
        try:
            valid.append(kind.schema.model_validate(kind.prepare(record)).model_dump())
        except ValidationError as exc:
            problems += [
                f"record {n}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            ]
    if problems:
        for line in problems[:50]:
            console.print(f"[red]invalid[/] {line}")
        raise _fail(f"{len(problems)} problem(s); nothing was written")
    return valid


def _write(kind: Kind, chunk: Rows, skip: bool, uow: UnitOfWork) -> tuple[Rows, int]:
    """Create a chunk's records in one transaction; the created rows and the skipped count."""
    todo = chunk
    if skip:
        known = kind.existing(uow, [str(r[kind.key]) for r in chunk])
        todo = [r for r in chunk if str(r[kind.key]) not in known]
    return (kind.create_many(uow, todo) if todo else []), len(chunk) - len(todo)


def run_import(kind: Kind, records: Rows, skip: bool, chunk_size: int) -> Rows:
    """Write validated records in chunks, one transaction each, with a progress bar."""
    db, skipped, start = open_database(), 0, 0
    created: Rows = []
    failure: SwitchyardError | None = None
    try:
        with Progress(console=console, disable=len(records) < 200) as progress:
            task = progress.add_task(f"importing {kind.name}", total=len(records))
            for start in range(0, len(records), chunk_size):
                chunk = records[start : start + chunk_size]
                try:
                    rows, passed = db.run(cli_actor(), partial(_write, kind, chunk, skip))
                except SwitchyardError as exc:
                    failure = exc
                    break
                created, skipped = created + rows, skipped + passed
                progress.advance(task, len(chunk))
    finally:
        db.engine.dispose()
    if failure is not None:
        raise _report(kind, failure, start, len(records[start : start + chunk_size]), created)
    if len(records) > 1:
        console.print(f"imported {len(created)} {kind.name}, skipped {skipped} existing")
    return created


def _report(kind: Kind, exc: SwitchyardError, start: int, size: int, created: Rows) -> typer.Exit:
    index = exc.extra.pop("record_index", None)
    if created:
        console.print(f"{len(created)} {kind.name} were written before this")
    single = size == 1 and start == 0
    if single:
        where = ""
    elif size == 1 or index is not None:
        where = f"in record {start + (index or 0) + 1}: "
    else:
        where = f"in records {start + 1}-{start + size}: "
    return _fail(f"{where}{exc.code}: {exc.detail}", exc, None if single else start)


def add_import_command(group: typer.Typer, kind: Kind, chunk: int) -> None:
    @group.command(
        "import", help=f"Import {kind.name} from a JSON or CSV file (see masterdata --help)."
    )
    def import_file(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help="a .json or .csv file"),
        fmt: str | None = typer.Option(None, "--format", help="json or csv; default: the suffix"),
        skip_existing: bool = typer.Option(
            False, "--skip-existing", help=f"leave out records whose {kind.key} exists already"
        ),
        chunk_size: int = typer.Option(chunk, min=1, max=1000, help="records per transaction"),
    ) -> None:
        run_import(kind, _validate(kind, read_records(file, fmt)), skip_existing, chunk_size)


def _group(name: str, what: str, chunk: int) -> typer.Typer:
    group = typer.Typer(help=f"{what}: create one, or import many.", no_args_is_help=True)
    add_import_command(group, KINDS[name], chunk)
    app.add_typer(group, name=name)
    return group


channels = _group("channels", "Sales channels", 200)
locations = _group("locations", "Warehouses, stores, 3PLs and drop-ship suppliers", 200)
skus = _group("skus", "SKUs with their products and prices", 500)
customers = _group("customers", "Customers, matched by email", 200)


def create_one(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    """Create one record from command-line options, exactly as an import of one would."""
    return run_import(kind, _validate(kind, [values]), False, 1)[0]


def _csv(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@channels.command("create")
def create_channel_cmd(
    code: str = typer.Option(..., help="unique code, e.g. web-eu"),
    name: str = typer.Option(...),
    type: str = typer.Option("web", help="web, pos, call_center, marketplace, edi, b2b, ..."),
    currency: str = typer.Option(..., help="ISO 4217, e.g. EUR"),
    backorder_policy: str = typer.Option("deny", help="deny, backorder or preorder"),
    locations: str | None = typer.Option(None, help="comma-separated location codes"),
) -> None:
    """Create a sales channel."""
    values: dict[str, Any] = {"code": code, "name": name, "type": type, "currency": currency}
    values |= {"backorder_policy": backorder_policy, "location_ids": _csv(locations)}
    row = create_one(KINDS["channels"], values)
    console.print(f"created channel [bold]{row['code']}[/] ({row['id']})")


@locations.command("create")
def create_location_cmd(
    code: str = typer.Option(..., help="unique code, e.g. wh-berlin"),
    name: str = typer.Option(...),
    type: str = typer.Option("warehouse", help="warehouse, store, 3pl or dropship"),
    line1: str = typer.Option(..., help="street address"),
    city: str = typer.Option(...),
    country: str = typer.Option(..., help="ISO 3166-1 alpha-2, e.g. DE"),
    postal_code: str | None = typer.Option(None),
    region: str | None = typer.Option(None),
    timezone: str | None = typer.Option(None, help="IANA zone, e.g. Europe/Berlin"),
    capabilities: str | None = typer.Option(None, help="comma-separated: ship, pickup, ..."),
) -> None:
    """Create a location."""
    address: dict[str, Any] = {"line1": line1, "city": city, "country_code": country}
    address |= {"postal_code": postal_code, "region": region}
    values: dict[str, Any] = {"code": code, "name": name, "type": type, "address": address}
    values |= {"timezone": timezone, "capabilities": _csv(capabilities)}
    row = create_one(KINDS["locations"], values)
    console.print(f"created location [bold]{row['code']}[/] ({row['id']})")


@skus.command("create")
def create_sku_cmd(
    sku: str = typer.Option(..., help="unique SKU code"),
    product_name: str | None = typer.Option(None, help="create a new product with this name"),
    product_id: str | None = typer.Option(None, help="or add the SKU to this product"),
    name: str | None = typer.Option(None, help="default: the product's name"),
    barcode: str | None = typer.Option(None),
    weight_grams: int | None = typer.Option(None),
    price: list[str] = typer.Option([], help="CHANNEL:CURRENCY:AMOUNT, e.g. web:EUR:19.99"),
) -> None:
    """Create a SKU (and, with --product-name, its product)."""
    values: dict[str, Any] = {"sku": sku, "product_name": product_name, "product_id": product_id}
    values |= {"name": name, "barcode": barcode, "weight_grams": weight_grams}
    values |= {f"price:{p.rpartition(':')[0]}": p.rpartition(":")[2] for p in price}
    row = create_one(KINDS["skus"], values)
    console.print(f"created SKU [bold]{row['sku']}[/] ({row['id']}) of product {row['product_id']}")


@customers.command("create")
def create_customer_cmd(
    email: str = typer.Option(...),
    name: str = typer.Option(""),
    phone: str | None = typer.Option(None),
) -> None:
    """Create a customer (refused if a customer has the email already)."""
    row = create_one(KINDS["customers"], {"email": email, "name": name, "phone": phone})
    console.print(f"created customer [bold]{row['email']}[/] ({row['id']})")
