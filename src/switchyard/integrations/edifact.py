"""UN/EDIFACT ORDERS (D96A, D01B and their EANCOM subsets) read with pydifact: the
service segments checked (UNA, UNB, UNG/UNE, UNH/UNT, UNZ), each ORDERS message mapped
to an order, and a CONTRL sent back (accepted, or rejected with the segment at fault).
Segment positions count from the start of the interchange (UNA or UNB is 1)."""

from __future__ import annotations

import warnings
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from switchyard.integrations.domain import MappedOrder, Parsed, error
from switchyard.kernel.errors import FieldError

VERSIONS = {("D", "96A"), ("D", "96B"), ("D", "01B"), ("D", "93A"), ("D", "97A"), ("D", "01A")}
PARTY_KEYS = {"DP": "shipping_address", "ST": "shipping_address", "IV": "billing_address"}
# CONTRL action codes (0083) and syntax errors (0085)
ACCEPTED, REJECTED = "7", "4"
SEGMENT_COUNT_WRONG, CONTROL_REF_MISMATCH, MISSING_SEGMENT = "29", "28", "13"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return "" if value is None else str(value)


def _part(value: Any, i: int) -> str:
    if isinstance(value, list):
        return str(value[i]) if i < len(value) and value[i] is not None else ""
    return str(value) if i == 0 and value is not None else ""


def _el(seg: Segment, i: int) -> Any:
    return seg.elements[i] if i < len(seg.elements) else ""


def parse(raw: bytes, partner_settings: dict[str, Any] | None = None) -> Parsed:
    settings = partner_settings or {}
    parsed = Parsed()
    text = raw.decode("utf-8-sig", errors="strict") if _utf8(raw) else raw.decode("latin-1")
    stripped = text.lstrip()
    if not (stripped.startswith("UNA") or stripped.startswith("UNB")):
        parsed.errors.append(
            error("segment 1", "edifact_not_edifact", "the file does not start with UNA or UNB")
        )
        return parsed
    try:
        with warnings.catch_warnings():  # pydifact ships no directories for validation
            warnings.simplefilter("ignore")
            segments = list(Parser().parse(stripped))
    except (EDISyntaxError, ValueError, IndexError) as exc:
        parsed.errors.append(
            error("segment 1", "edifact_syntax", f"not readable as EDIFACT: {exc}")
        )
        return parsed
    numbered = [(i, s) for i, s in enumerate(segments, start=1)]
    body = [(i, s) for i, s in numbered if s.tag != "UNA"]
    if not body or body[0][1].tag != "UNB":
        parsed.errors.append(
            error("segment 1", "edifact_no_unb", "the interchange has no UNB header")
        )
        return parsed
    unb_no, unb = body[0]
    syntax = _part(_el(unb, 0), 0)
    if not syntax.startswith("UNO"):
        parsed.errors.append(
            error(
                f"segment {unb_no} UNB, element 01",
                "edifact_syntax_id",
                f"segment {unb_no} UNB: syntax identifier '{syntax}' is not UNOA..UNOY",
            )
        )
    sender = _part(_el(unb, 1), 0)
    parsed.sender = sender
    reference = _text(_el(unb, 4))
    if not reference:
        parsed.errors.append(
            error(
                f"segment {unb_no} UNB, element 05",
                "edifact_missing",
                f"segment {unb_no} UNB: element 05 interchange control reference is missing",
            )
        )
    messages: list[tuple[int, list[tuple[int, Segment]]]] = []
    current: list[tuple[int, Segment]] | None = None
    unz: tuple[int, Segment] | None = None
    groups = 0
    msg_errors: dict[int, list[FieldError]] = {}
    for no, seg in body[1:]:
        if seg.tag == "UNH":
            if current is not None:
                msg_errors.setdefault(len(messages) - 1, []).append(
                    error(
                        f"segment {no} UNH",
                        "edifact_no_unt",
                        "the message before has no UNT trailer",
                    )
                )
            current = [(no, seg)]
            messages.append((no, current))
        elif seg.tag == "UNT":
            if current is None:
                parsed.errors.append(
                    error(f"segment {no} UNT", "edifact_unexpected", "UNT without UNH")
                )
                continue
            current.append((no, seg))
            count = _text(_el(seg, 0))
            ref = _text(_el(seg, 1))
            unh_ref = _text(_el(current[0][1], 0))
            problems = msg_errors.setdefault(len(messages) - 1, [])
            if not count.isdigit() or int(count) != len(current):
                problems.append(
                    error(
                        f"segment {no} UNT, element 01",
                        "edifact_segment_count",
                        f"segment {no} UNT: element 01 says {count} segments, the message has {len(current)}",  # noqa: E501
                    )
                )
            if ref != unh_ref:
                problems.append(
                    error(
                        f"segment {no} UNT, element 02",
                        "edifact_reference_mismatch",
                        f"segment {no} UNT: element 02 '{ref}' is not the UNH reference '{unh_ref}'",  # noqa: E501
                    )
                )
            current = None
        elif seg.tag == "UNG":
            groups += 1
        elif seg.tag == "UNE":
            pass
        elif seg.tag == "UNZ":
            unz = (no, seg)
        elif current is not None:
            current.append((no, seg))
        else:
            parsed.errors.append(
                error(
                    f"segment {no} {seg.tag}",
                    "edifact_outside_message",
                    f"segment {no} {seg.tag} is outside a message",
                )
            )
    if current is not None:
        msg_errors.setdefault(len(messages) - 1, []).append(
            error(f"segment {current[-1][0]}", "edifact_no_unt", "the message has no UNT trailer")
        )
    if unz is None:
        parsed.warnings.append(
            error(
                f"segment {len(numbered)}",
                "edifact_no_unz",
                "the interchange has no UNZ trailer (accepted)",
            )
        )
    else:
        no, seg = unz
        count = _text(_el(seg, 0))
        expected = groups or len(messages)
        if not count.isdigit() or int(count) != expected:
            parsed.errors.append(
                error(
                    f"segment {no} UNZ, element 01",
                    "edifact_message_count",
                    f"segment {no} UNZ: element 01 says {count}, the interchange has {expected}",
                )
            )
        if _text(_el(seg, 1)) != reference:
            parsed.errors.append(
                error(
                    f"segment {no} UNZ, element 02",
                    "edifact_reference_mismatch",
                    f"segment {no} UNZ: element 02 '{_text(_el(seg, 1))}' is not the UNB reference '{reference}'",  # noqa: E501
                )
            )
    if not parsed.errors:
        for index, (_no, segs) in enumerate(messages):
            order = map_orders(segs, index + 1, settings)
            order.errors[:0] = msg_errors.get(index, [])
            parsed.orders.append(order)
        if not messages:
            parsed.errors.append(
                error(f"segment {unb_no}", "edifact_no_orders", "the interchange holds no message")
            )
    parsed.acknowledgement = contrl(unb, messages, parsed, msg_errors)
    return parsed


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _decimal(value: str, decimal_mark: str = ".") -> Decimal | None:
    try:
        return Decimal(value.replace(",", ".") if decimal_mark == "," or "," in value else value)
    except InvalidOperation:
        return None


def map_orders(segs: list[tuple[int, Segment]], seq: int, settings: dict[str, Any]) -> MappedOrder:
    xref: dict[str, str] = settings.get("sku_xref", {})
    default_country = str(settings.get("default_country", "DE"))
    unh_no, unh = segs[0]
    order = MappedOrder(
        seq=seq, external_id=None, body={"lines": []}, position=f"segment {unh_no} UNH"
    )
    kind = _el(unh, 1)
    if _part(kind, 0) != "ORDERS":
        order.errors.append(
            error(
                f"segment {unh_no} UNH, element 02",
                "edifact_not_orders",
                f"segment {unh_no} UNH: message type '{_part(kind, 0)}' is not ORDERS",
            )
        )
        return order
    if (_part(kind, 1), _part(kind, 2)) not in VERSIONS:
        order.errors.append(
            error(
                f"segment {unh_no} UNH, element 02",
                "edifact_version",
                f"segment {unh_no} UNH: version {_part(kind, 1)}:{_part(kind, 2)} is not supported",
            )
        )
    parties: dict[str, dict[str, Any]] = {}
    party: dict[str, Any] | None = None
    line: dict[str, Any] | None = None
    notes: list[str] = []
    for no, seg in segs[1:]:
        where = f"segment {no} {seg.tag}"
        if seg.tag == "BGM":
            number = _text(_el(seg, 1))
            if not number:
                order.errors.append(
                    error(
                        f"{where}, element 02",
                        "edifact_missing",
                        f"{where}: element 02 document number is missing",
                    )
                )
            order.external_id = number or None
            order.body["external_id"] = number
            order.body["po_number"] = number
            order.field_positions["external_id"] = order.field_positions["po_number"] = (
                f"{where}, element 02"
            )
        elif seg.tag == "NAD":
            qualifier = _text(_el(seg, 0))
            party = {"id": _part(_el(seg, 1), 0), "position": where}
            name = _el(seg, 3) or _el(seg, 2)
            party["name"] = " ".join(p for p in (name if isinstance(name, list) else [name]) if p)
            street = _el(seg, 4)
            party["line1"] = _part(street, 0)
            party["line2"] = _part(street, 1)
            party["city"] = _text(_el(seg, 5))
            party["region"] = _text(_el(seg, 6))
            party["postal_code"] = _text(_el(seg, 7))
            party["country"] = _text(_el(seg, 8))
            parties[qualifier] = party
        elif seg.tag == "CUX":
            currency = _part(_el(seg, 0), 1)
            if currency:
                order.body["currency"] = currency
        elif seg.tag == "FTX":
            notes.append(
                " ".join(
                    p
                    for p in (_el(seg, 3) if isinstance(_el(seg, 3), list) else [_el(seg, 3)])
                    if p
                )
            )
        elif seg.tag == "LIN":
            item = _el(seg, 2)
            code = _part(item, 0)
            line = {"sku": xref.get(code, code), "position": where}
            if not code:
                order.errors.append(
                    error(
                        f"{where}, element 03",
                        "edifact_missing",
                        f"{where}: element 03 item number is missing",
                    )
                )
            order.body["lines"].append(line)
            order.line_positions.append(where)
        elif seg.tag == "PIA" and line is not None:
            code = _part(_el(seg, 1), 0)
            if code in xref:
                line["sku"] = xref[code]
        elif seg.tag == "QTY" and line is not None:
            qualifier, amount = _part(_el(seg, 0), 0), _part(_el(seg, 0), 1)
            if qualifier == "21":
                value = _decimal(amount)
                if value is None or value != value.to_integral_value() or value <= 0:
                    order.errors.append(
                        error(
                            f"{where}, element 01",
                            "edifact_quantity",
                            f"{where}: quantity '{amount}' is not a whole positive number",
                        )
                    )
                else:
                    line["quantity"] = int(value)
        elif seg.tag == "PRI" and line is not None:
            qualifier, amount = _part(_el(seg, 0), 0), _part(_el(seg, 0), 1)
            value = _decimal(amount) if amount else None
            if amount and value is None:
                order.errors.append(
                    error(
                        f"{where}, element 01",
                        "edifact_price",
                        f"{where}: price '{amount}' is not a number",
                    )
                )
            elif value is not None and qualifier in ("AAA", "AAB", "INV", "CAL"):
                line["unit_price"] = str(value)
    for line_ in order.body["lines"]:
        if "quantity" not in line_:
            order.errors.append(
                error(
                    f"{line_['position']}",
                    "edifact_quantity",
                    f"{line_['position']}: no QTY+21 ordered quantity",
                )
            )
        line_.pop("position", None)
    if order.external_id is None and not order.errors:
        order.errors.append(
            error(f"segment {unh_no} UNH", "edifact_no_bgm", "the message has no BGM")
        )
    if not order.body["lines"]:
        order.errors.append(
            error(f"segment {unh_no} UNH", "edifact_no_lines", "the message has no LIN line")
        )
    for qualifier, key in PARTY_KEYS.items():
        p = parties.get(qualifier)
        if p and p.get("line1") and p.get("city") and key not in order.body:
            order.body[key] = {
                k: v
                for k, v in {
                    "name": p.get("name"),
                    "line1": p["line1"],
                    "line2": p.get("line2"),
                    "city": p["city"],
                    "region": p.get("region"),
                    "postal_code": p.get("postal_code"),
                    "country_code": p.get("country") or default_country,
                }.items()
                if v
            }
            order.field_positions[key] = p["position"]
    buyer = parties.get("BY")
    if buyer:
        name = buyer.get("name") or f"GLN {buyer.get('id')}"
        order.body["customer"] = {"name": name}
        locations = settings.get("gln_addresses", {})
        for qualifier in ("DP", "ST", "BY"):
            gln = (parties.get(qualifier) or {}).get("id")
            if "shipping_address" not in order.body and gln in locations:
                order.body["shipping_address"] = locations[gln]
    if "billing_address" not in order.body and "shipping_address" in order.body:
        order.body["billing_address"] = order.body["shipping_address"]
    if notes:
        order.body["notes"] = "\n".join(notes)[:5000]
    order.body["attributes"] = {
        "edifact": {
            "unh": _text(_el(unh, 0)),
            "parties": {q: p.get("id") for q, p in parties.items()},
        }
    }
    return order


def contrl(
    unb: Segment,
    messages: list[tuple[int, list[tuple[int, Segment]]]],
    parsed: Parsed,
    msg_errors: dict[int, list[FieldError]],
) -> str:
    """CONTRL (D:3:UN): UCI for the interchange, UCM per message with the first error."""
    now = datetime.now()
    sender = _el(unb, 1)
    recipient = _el(unb, 2)
    reference = _text(_el(unb, 4))
    syntax = _el(unb, 0)
    segs: list[Segment] = [
        Segment(
            "UNB",
            syntax,
            recipient,
            sender,
            [now.strftime("%y%m%d"), now.strftime("%H%M")],
            f"C{reference}"[:14],
        ),
        Segment("UNH", "1", ["CONTRL", "D", "3", "UN"]),
    ]
    interchange_rejected = bool(parsed.errors)
    segs.append(
        Segment("UCI", reference, sender, recipient, REJECTED if interchange_rejected else ACCEPTED)
    )
    for index, (_, msg) in enumerate(messages):
        unh = msg[0][1]
        errs = msg_errors.get(index, [])
        kind = _el(unh, 1)
        action = REJECTED if errs or interchange_rejected else ACCEPTED
        ucm: list[Any] = [_text(_el(unh, 0)), kind if isinstance(kind, list) else [kind], action]
        if any(e.code == "edifact_segment_count" for e in errs):
            ucm.append(SEGMENT_COUNT_WRONG)
        elif any(e.code == "edifact_reference_mismatch" for e in errs):
            ucm.append(CONTROL_REF_MISMATCH)
        segs.append(Segment("UCM", *ucm))
    segs.append(Segment("UNT", str(len(segs)), "1"))
    segs.append(Segment("UNZ", "1", f"C{reference}"[:14]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Serializer().serialize(segs, with_una_header=True, break_lines=True)
