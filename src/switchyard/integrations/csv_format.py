"""The order CSV: one row per order line, the rows of an order together (same
``external_id``), order fields on its first row. Read from a byte stream through the
``csv`` module (never the whole file), exported with the same columns.

Encoding: UTF-8 (with or without a BOM), else Latin-1; delimiter ``;``, ``,`` or tab,
whichever the header line has most of. Headers are matched case-insensitively with
spaces and dashes as underscores, and through ``ALIASES``.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any, cast

from switchyard.integrations.domain import MappedOrder, Parsed, error
from switchyard.kernel.errors import FieldError

# column -> where it goes in OrderCreate (dotted path)
ORDER_COLUMNS: dict[str, str] = {
    "external_id": "external_id",
    "channel": "channel",
    "po_number": "po_number",
    "email": "customer.email",
    "customer_name": "customer.name",
    "phone": "customer.phone",
    "currency": "currency",
    "delivery_method": "delivery_method",
    "pickup_location": "pickup_location",
    "shipping_charge": "shipping_charge",
    "taxes": "taxes",
    "notes": "notes",
}
ADDRESS_FIELDS = (
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country_code",
    "phone",
)
for _prefix, _key in (("ship", "shipping_address"), ("bill", "billing_address")):
    for _f in ADDRESS_FIELDS:
        ORDER_COLUMNS[f"{_prefix}_{_f}"] = f"{_key}.{_f}"
LINE_COLUMNS: dict[str, str] = {
    "sku": "sku",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "discount": "discount",
}
COLUMNS: tuple[str, ...] = (*ORDER_COLUMNS, *LINE_COLUMNS)
ALIASES: dict[str, str] = {
    "order_id": "external_id",
    "order_number": "external_id",
    "order": "external_id",
    "order_no": "external_id",
    "purchase_order": "po_number",
    "po": "po_number",
    "customer_email": "email",
    "e_mail": "email",
    "customer": "customer_name",
    "name": "customer_name",
    "telephone": "phone",
    "item": "sku",
    "item_sku": "sku",
    "variant_sku": "sku",
    "article": "sku",
    "product_sku": "sku",
    "qty": "quantity",
    "menge": "quantity",
    "price": "unit_price",
    "unit_cost": "unit_price",
    "ship_address1": "ship_line1",
    "ship_address2": "ship_line2",
    "ship_street": "ship_line1",
    "ship_zip": "ship_postal_code",
    "ship_postcode": "ship_postal_code",
    "ship_country": "ship_country_code",
    "ship_state": "ship_region",
    "bill_address1": "bill_line1",
    "bill_address2": "bill_line2",
    "bill_zip": "bill_postal_code",
    "bill_country": "bill_country_code",
    "bill_state": "bill_region",
    "shipping": "shipping_charge",
    "tax": "taxes",
    "note": "notes",
}
REQUIRED = ("external_id", "sku", "quantity")
_PEEK = 64 * 1024


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def normalise(header: str) -> str:
    key = header.strip().strip("\ufeff").lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


def open_text(raw: IO[bytes]) -> tuple[io.TextIOWrapper, str, str]:
    """A text stream over ``raw``: the encoding detected from the first 64 KiB (a BOM,
    valid UTF-8, else Latin-1) and the delimiter the header line uses most."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(Any, raw))
    head = buffered.peek(_PEEK)[:_PEEK]
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "latin-1"
    first = head.split(b"\n", 1)[0].decode(
        encoding if encoding != "utf-8-sig" else "utf-8", "replace"
    )
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    return text, encoding, delimiter


def _put(target: dict[str, Any], path: str, value: str) -> None:
    keys = path.split(".")
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


class _Group:
    def __init__(self, seq: int, external_id: str, line_no: int) -> None:
        self.order = MappedOrder(
            seq=seq, external_id=external_id, body={}, position=f"line {line_no}"
        )
        self.order.body["lines"] = []


def read_orders(raw: IO[bytes], *, on_row: Any = None) -> Iterator[MappedOrder | Parsed]:
    """Yield each order as soon as its last row is read; a ``Parsed`` with errors first
    when the header is unusable (then nothing else). ``on_row(line_no)`` is told of each
    row read (the CLI's progress)."""
    text, _encoding, delimiter = open_text(raw)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Parsed(errors=[error("line 1", "empty_file", "the file has no header line")])
        return
    except (UnicodeDecodeError, csv.Error) as exc:
        yield Parsed(errors=[error("line 1", "unreadable", str(exc))])
        return
    names = [normalise(h) for h in header]
    problems = [
        error(f"line 1, column {column_letter(i)}", "unknown_column", f"unknown column '{h}'")
        for i, (h, n) in enumerate(zip(header, names, strict=True))
        if n not in COLUMNS and h.strip()
    ]
    missing = [c for c in REQUIRED if c not in names]
    problems += [
        error("line 1", "missing_column", f"the header has no '{c}' column") for c in missing
    ]
    if problems:
        yield Parsed(errors=problems)
        return
    index = {n: i for i, n in enumerate(names) if n in COLUMNS}
    seen: set[str] = set()
    current: _Group | None = None
    seq = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except UnicodeDecodeError as exc:
            line = reader.line_num + 1
            bad = error(f"line {line}", "unreadable", f"not {text.encoding}: {exc.reason}")
            if current is not None:
                current.order.errors.append(bad)
                yield current.order
            yield Parsed(errors=[bad])
            return
        except csv.Error as exc:
            bad = error(f"line {reader.line_num}", "unreadable", str(exc))
            if current is not None:
                current.order.errors.append(bad)
                yield current.order
            yield Parsed(errors=[bad])
            return
        line_no = reader.line_num
        if on_row is not None:
            on_row(line_no)
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: (row[i].strip() if i < len(row) else "") for n, i in index.items()}
        external_id = cells["external_id"]
        if current is None or external_id != current.order.external_id:
            if current is not None:
                yield current.order
            seq += 1
            current = _Group(seq, external_id, line_no)
            if not external_id:
                current.order.errors.append(
                    error(f"line {line_no}, column external_id", "missing", "no external_id")
                )
            elif external_id in seen:
                current.order.errors.append(
                    error(
                        f"line {line_no}, column external_id",
                        "not_consecutive",
                        f"the rows of order '{external_id}' must follow one another",
                    )
                )
            seen.add(external_id)
            _order_fields(current.order, cells, index, line_no)
        _line(current.order, cells, index, line_no)
    if current is not None:
        yield current.order


def _where(line_no: int, index: dict[str, int], column: str) -> str:
    return f"line {line_no}, column {column} ({column_letter(index[column])})"


def _order_fields(
    order: MappedOrder, cells: dict[str, str], index: dict[str, int], line_no: int
) -> None:
    for column, path in ORDER_COLUMNS.items():
        value = cells.get(column, "")
        if column in index:
            order.field_positions[path] = _where(line_no, index, column)
        if value and column != "external_id":
            _put(order.body, path, value)
    order.body["external_id"] = cells["external_id"]
    for key in ("shipping_address", "billing_address"):
        if key in order.body:
            order.field_positions.setdefault(key, f"line {line_no}")


def _line(order: MappedOrder, cells: dict[str, str], index: dict[str, int], line_no: int) -> None:
    line: dict[str, Any] = {}
    for column, key in LINE_COLUMNS.items():
        if cells.get(column):
            line[key] = cells[column]
        if column in index:
            order.field_positions[f"lines.{key}"] = (
                f"column {column} ({column_letter(index[column])})"
            )
    order.body["lines"].append(line)
    order.line_positions.append(f"line {line_no}")


def parse_all(raw: IO[bytes]) -> Parsed:
    """Every order of a small file at once (the API, tests)."""
    parsed = Parsed()
    for item in read_orders(raw):
        if isinstance(item, Parsed):
            parsed.errors.extend(item.errors)
        else:
            parsed.orders.append(item)
    return parsed


def export_rows(orders: Iterable[dict[str, Any]]) -> Iterator[list[str]]:
    """The header, then a row per line of each order (``OrderRead``-shaped dicts)."""
    yield list(COLUMNS)
    for order in orders:
        first = True
        for line in order["lines"]:
            row = []
            for column in COLUMNS:
                if column in LINE_COLUMNS:
                    row.append(_text(line.get(LINE_COLUMNS[column])))
                elif first or column == "external_id":
                    row.append(_text(_get(order, column)))
                else:
                    row.append("")
            first = False
            yield row


def _get(order: dict[str, Any], column: str) -> Any:
    special = {
        "email": order.get("email"),
        "customer_name": order.get("customer_name"),
        "phone": order.get("phone"),
        "channel": order.get("channel_code") or order.get("channel_id"),
        "pickup_location": order.get("pickup_location_id"),
    }
    if column in special:
        return special[column]
    for prefix, key in (("ship_", "shipping_address"), ("bill_", "billing_address")):
        if column.startswith(prefix):
            address = order.get(key) or {}
            return address.get(column[len(prefix) :])
    return order.get(column)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def write_csv(orders: Iterable[dict[str, Any]], out: IO[str], delimiter: str = ",") -> None:
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in export_rows(orders):
        writer.writerow(row)


def fields_error(order: MappedOrder, errors: list[FieldError]) -> list[FieldError]:
    return order.positioned(errors)
