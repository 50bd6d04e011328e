"""Every event type Switchyard records: its name, aggregate, when it happens and its data.

This is the public contract of webhooks (the families in ``PUBLIC_FAMILIES``) and the
vocabulary of the order timeline. ``UnitOfWork.emit`` refuses an event whose type is not
listed here or whose data does not match its fields, so the list cannot drift from the
code; ``docs/webhooks.md`` carries the table ``markdown()`` renders (a test checks it).

To add an event: add an ``_event(...)`` entry below (reuse a field of ``GLOSSARY`` or give
the event its own), emit it, then run ``python -m switchyard.events.catalogue`` and paste
its output into the "Event types" section of ``docs/webhooks.md``.

Pure Python: no framework or database imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Families a webhook subscriber may hear; the others (api keys, master data, webhook
# endpoints themselves) stay inside: they are on the audit trail, never sent out.
PUBLIC_FAMILIES = ("order", "fulfillment", "shipment", "inventory", "return")

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list, tuple),
    "null": (type(None),),
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    types: tuple[str, ...]  # JSON types, e.g. ("string", "null")
    meaning: str
    required: bool = True
    own: bool = False  # its type or meaning is the event's own, not the glossary's

    @property
    def type_text(self) -> str:
        return " or ".join(self.types)

    def accepts(self, value: Any) -> bool:
        for t in self.types:
            if isinstance(value, _JSON_TYPES[t]) and not (
                t == "integer" and isinstance(value, bool)
            ):
                return True
        return False


@dataclass(frozen=True, slots=True)
class EventType:
    name: str
    aggregate: str
    summary: str
    fields: tuple[Field, ...]

    @property
    def family(self) -> str:
        return self.name.partition(".")[0]

    @property
    def public(self) -> bool:
        return self.family in PUBLIC_FAMILIES

    def problems(self, data: Mapping[str, Any]) -> list[str]:
        """What is wrong with ``data`` for this type (empty when it conforms)."""
        known = {f.name: f for f in self.fields}
        found = [f"unknown field '{k}'" for k in data if k not in known]
        for f in self.fields:
            if f.name not in data:
                if f.required:
                    found.append(f"missing field '{f.name}'")
            elif not f.accepts(data[f.name]):
                found.append(
                    f"field '{f.name}' is {type(data[f.name]).__name__}, not {f.type_text}"
                )
        return found


class EventContractError(AssertionError):
    """An event that the catalogue does not describe: a bug, never a client's fault."""


# Fields shared by many events: name -> (JSON types, meaning).
GLOSSARY: dict[str, tuple[str, str]] = {
    "after": ("object", "the changed fields' new values"),
    "amount": ("string", "the amount of this step, a decimal string in `currency`"),
    "amount_paid": ("string", "paid so far, a decimal string"),
    "authorized": ("string", "authorized in all, a decimal string"),
    "available": ("integer", "on hand less reserved and safety stock, never below 0"),
    "before": ("object", "the changed fields' previous values"),
    "captured": ("string", "captured in all, a decimal string"),
    "carrier": ("string|null", "carrier code"),
    "cause": ("string", "what brought it about (e.g. `order_placed`, `receipt`, `count`)"),
    "code": ("string", "the record's code"),
    "collect_by": ("string", "ISO 8601 time until which the units wait at the counter"),
    "currency": ("string", "ISO 4217 currency code"),
    "email": ("string", "email address"),
    "eta": ("string", "expected arrival (ISO 8601 date)"),
    "from": ("string", "the status before"),
    "gross_total": ("string", "total including tax, a decimal string"),
    "inferred": ("boolean", "true when a later step implied it (a shipment implies the pick)"),
    "kind": ("string", "the record's kind"),
    "lines": ("array", "the lines concerned"),
    "location_id": ("string", "the location (warehouse, store, 3PL) concerned"),
    "name": ("string", "the record's name"),
    "note": ("string", "free text from whoever did it"),
    "number": ("string", "the document number"),
    "on_hand": ("integer", "units physically at the location"),
    "order_id": ("string", "the order"),
    "order_line_id": ("string", "the order line"),
    "packages": ("array", "the packages concerned"),
    "provider": ("string", "payment provider"),
    "quantities": ("object", "units per order line id"),
    "quantity": ("integer", "units"),
    "reason": ("string", "why, as a code or a person's words"),
    "reference": ("string", "the external reference"),
    "refunded": ("string", "refunded in all, a decimal string"),
    "reservation_id": ("string", "the reservation"),
    "reserved": ("integer", "units reserved for orders and carts"),
    "sku": ("string", "the SKU code"),
    "sku_id": ("string", "the SKU"),
    "source": ("string", "where the units came from (`stock`, `purchase_order`, ...)"),
    "status": ("string", "the record's status after the event"),
    "to": ("string", "the status after"),
    "tracking_number": ("string|null", "carrier tracking number"),
    "transaction_id": ("string", "the payment transaction recorded"),
    "version": ("integer", "the record's version after the change"),
    "warnings": ("array", "what validation accepted but flagged"),
}

_ORDER_STATUS = ("object", "the order status: `{from, to}` (equal when it did not move)")


def _fields(spec: str, own: Mapping[str, tuple[str, str]]) -> tuple[Field, ...]:
    out = []
    for token in spec.split():
        name, optional = token.rstrip("?"), token.endswith("?")
        types, meaning = own.get(name) or GLOSSARY[name]
        out.append(Field(name, tuple(types.split("|")), meaning, not optional, name in own))
    return tuple(out)


def _event(
    name: str, aggregate: str, summary: str, spec: str = "", **own: tuple[str, str]
) -> EventType:
    """``spec``: field names (``?`` marks an optional one); ``own``: fields whose type or
    meaning is this event's own (used in place of the glossary's)."""
    own_fields = {k.rstrip("_"): v for k, v in own.items()}
    return EventType(name, aggregate, summary, _fields(spec, own_fields))


_FULFILLMENT = "location_id status inferred"
_INVOICE = "number kind currency gross_total amount_paid status"
_RETURN = "kind status lines"
_PAYMENT = "provider status currency authorized captured refunded"
_LEVELS = "sku_id location_id on_hand reserved available cause"
_SCAN = "fulfillment_id carrier tracking_number carrier_event_id occurred_at location description"
_SCAN_FIELDS = {
    "fulfillment_id": ("string", "the fulfillment the package belongs to"),
    "carrier": ("string", "carrier code"),
    "tracking_number": ("string", "the package's tracking number"),
    "carrier_event_id": ("string", "the carrier's id of the scan (repeats are ignored)"),
    "occurred_at": ("string", "when the carrier scanned it (ISO 8601)"),
    "location": ("string|null", "where, as the carrier names it"),
    "description": ("string|null", "the carrier's words"),
}
_WORK_ORDER = "order_line_id sku_id location_id quantity start_day due_day status"
_WORK_ORDER_FIELDS = {
    "location_id": ("string", "the site that makes it"),
    "start_day": ("string", "the production slot's day (ISO 8601 date)"),
    "due_day": ("string", "when it is finished (ISO 8601 date)"),
}
_BACKORDER_LINE = {
    "line_id": ("string", "the order line"),
    "status": _ORDER_STATUS,
}


EVENT_TYPES: tuple[EventType, ...] = (
    # -- orders ----------------------------------------------------------------------------
    _event(
        "order.placed",
        "order",
        "A new order was taken (from the API, a batch, a draft or an import).",
        "external_id currency total delivery_method lines warnings draft_id",
        external_id=("string", "the channel's own order number"),
        total=("string", "order total, a decimal string"),
        delivery_method=("string", "`ship` or `pickup`"),
        lines=("array", "`{line_id, sku, quantity}` per line"),
        draft_id=("string|null", "the draft it was placed from"),
    ),
    _event(
        "order.allocated",
        "order",
        "Sourcing chose locations and reserved stock for some or all of the order's lines.",
        "cause allocations",
        allocations=("array", "`{line_id, location_id, quantity}` per reservation made"),
    ),
    _event(
        "order.backordered",
        "order",
        "Lines wait for stock that is not there yet (backorder or preorder).",
        "cause lines",
        lines=("array", "`{line_id, quantity, eta}` per waiting line"),
    ),
    _event(
        "order.unsourced",
        "order",
        "No location can supply some lines; the order is held for a person.",
        "lines excluded_locations",
        lines=("object", "units left unsourced per line id"),
        excluded_locations=("array", "locations left out (they rejected the lines)"),
    ),
    _event(
        "order.location_excluded",
        "order",
        "A location handed lines back; it is not asked for them again until a person clears it.",
        "location_id reason lines fulfillment_id",
        reason=("string", "`rejected`, `short_picked` or `cancelled`"),
        lines=("array", "the order line ids excluded there"),
        fulfillment_id=("string", "the fulfillment that handed them back"),
    ),
    _event(
        "order.exclusions_cleared",
        "order",
        "A person let locations source lines of the order again.",
        "exclusions note",
        exclusions=("array", "`{location_id, order_line_id, reason}` per exclusion cleared"),
    ),
    _event(
        "order.held",
        "order",
        "Holds were put on the order (validation, fraud check, sourcing, a person).",
        "holds cause? status?",
        holds=("array", "the holds: `{id, type, reason}`"),
        status=_ORDER_STATUS,
    ),
    _event(
        "order.hold_released",
        "order",
        "A person released holds; `still_held` tells whether others remain.",
        "holds note status still_held",
        holds=("array", "the holds released"),
        still_held=("boolean", "true while other holds remain"),
        status=_ORDER_STATUS,
    ),
    _event(
        "order.amended",
        "order",
        "The order was changed after placement (lines, quantities, address).",
        "change before after status warnings",
        change=("string", "what kind of change"),
        status=_ORDER_STATUS,
    ),
    _event(
        "order.cancelled",
        "order",
        "Everything not yet shipped was cancelled; reservations and fulfillments with it.",
        "reason released holds_closed status lines",
        reason=("string|null", "why, as given"),
        released=("integer", "units of stock released"),
        holds_closed=("array", "holds closed by the cancellation"),
        lines=("array", "`{line_id, cancelled, before, after}` per line cut"),
        status=_ORDER_STATUS,
    ),
    _event(
        "order.backorder_allocated",
        "order",
        "Stock arrived for a waiting line and was reserved for it.",
        "line_id location_id quantity source status",
        **_BACKORDER_LINE,
    ),
    _event(
        "order.line_shorted",
        "order",
        "A line lost reserved units (a count or a short pick found fewer).",
        "line_id location_id quantity status",
        **_BACKORDER_LINE,
    ),
    _event(
        "order.status_changed",
        "order",
        "The order's status moved because of its fulfillments (shipped, delivered, "
        "rejected) or re-sourcing. Actions on the order itself (cancel, hold, amend) say "
        "it in their own event's `status`.",
        "from to cause",
        cause=(
            "string",
            "what moved it: the fulfillment event (`fulfillment.shipped`, ...) or why it was "
            "sourced again (`handed_back`, `backorder_resourced`)",
        ),
    ),
    _event(
        "order.at_risk",
        "order",
        "An open fulfillment of the order passed a deadline of its promise (not released by "
        "the cut-off, not acknowledged, not picked or shipped in time, no carrier scan, not "
        "ready for pickup, late); sent once per new reason, found by the worker or when the "
        "fulfillment moved.",
        "risks",
        risks=(
            "array",
            "`{fulfillment_id, location_id, reason, due_at, status, ship_by, deliver_by, "
            "ready_at, on_hold}` per new risk (`reason`: see docs/architecture.md, Jeopardy)",
        ),
    ),
    _event(
        "order.risk_cleared",
        "order",
        "Risks of the order no longer hold: the fulfillment moved on, its dates changed, it "
        "was cancelled or sourced elsewhere.",
        "risks",
        risks=(
            "array",
            "`{fulfillment_id, location_id, reason, detected_at, cleared_by}` per risk "
            "cleared (`cleared_by`: the event that resolved it, `check` or `resourced`)",
        ),
    ),
    _event(
        "order.risk_resourced",
        "order",
        "An at-risk fulfillment nobody had started picking was cancelled and its units "
        "sourced where they still arrive by the promised date (channel setting "
        "`jeopardy.auto_resource`).",
        "fulfillment_id location_id reasons deliver_by fulfillments",
        fulfillment_id=("string", "the fulfillment cancelled (reason `jeopardy`)"),
        location_id=("string", "the location that would have been late"),
        reasons=("array", "the risks that made it move"),
        deliver_by=("string", "the date promised, which the new locations keep"),
        fulfillments=("array", "`{fulfillment_id, location_id}` now holding the units"),
    ),
    # -- fulfillments ----------------------------------------------------------------------
    _event(
        "fulfillment.created",
        "fulfillment",
        "A location was given lines of an order to ship or hand over.",
        "location_id status delivery_method lines purpose? ship_to_location_id?",
        delivery_method=("string", "`ship` or `pickup`"),
        lines=("array", "`{line_id, sku, quantity}` per line"),
        purpose=(
            "string",
            "consolidation only: `merge_leg` (a transfer to the merge node) or "
            "`consolidated` (the merge node's parcel to the customer)",
        ),
        ship_to_location_id=("string|null", "a merge leg's merge node"),
    ),
    _event(
        "fulfillment.lines_added",
        "fulfillment",
        "Units sourced later at the same location joined a fulfillment nobody works on yet.",
        "location_id status lines",
        lines=("array", "`{order_line_id, quantity}` per line added to"),
    ),
    _event("fulfillment.released", "fulfillment", "Sent to the location to work on.", _FULFILLMENT),
    _event("fulfillment.accepted", "fulfillment", "The location took it on.", _FULFILLMENT),
    _event(
        "fulfillment.rejected",
        "fulfillment",
        "The location refused it; its lines are sourced elsewhere.",
        _FULFILLMENT + " reason quantities",
    ),
    _event(
        "fulfillment.cancelled",
        "fulfillment",
        "Cancelled (order cancelled, not collected, re-sourced, short pick).",
        _FULFILLMENT + "? reason note? quantities?",
        note=("string|null", "free text from whoever did it"),
    ),
    _event(
        "fulfillment.picking",
        "fulfillment",
        "Picking started, alone or in a wave.",
        _FULFILLMENT + " wave_id?",
        wave_id=("string|null", "the pick wave"),
    ),
    _event(
        "fulfillment.short_picked",
        "fulfillment",
        "Fewer units were found than reserved; the shortfall is re-sourced.",
        _FULFILLMENT + " lines quantities",
        lines=("array", "the lines short"),
        quantities=("object", "units missing per order line id"),
    ),
    _event("fulfillment.picked", "fulfillment", "All units picked.", _FULFILLMENT),
    _event(
        "fulfillment.packed",
        "fulfillment",
        "Packed into packages.",
        _FULFILLMENT + " packages",
        packages=("array", "package ids"),
    ),
    _event(
        "fulfillment.labelled",
        "fulfillment",
        "Carrier labels were bought for its packages.",
        _FULFILLMENT + " carrier service packages zone? amount? currency? estimated_delivery? "
        "deliver_by? meets_promise?",
        carrier=("string", "carrier code"),
        service=("string", "carrier service code"),
        packages=("array", "`{id, tracking_number}` per package"),
        zone=("integer", "the rate zone"),
        amount=("string", "label cost, a decimal string"),
        estimated_delivery=("string", "the carrier's delivery estimate (ISO 8601 date)"),
        deliver_by=("string|null", "the date promised to the customer"),
        meets_promise=("boolean", "whether the estimate keeps the promise"),
    ),
    _event(
        "fulfillment.tracking_added",
        "fulfillment",
        "A tracking number was recorded.",
        _FULFILLMENT + " carrier tracking_number",
        carrier=("string", "carrier code"),
        tracking_number=("string", "carrier tracking number"),
    ),
    _event(
        "fulfillment.shipped",
        "fulfillment",
        "Left the location with the carrier.",
        _FULFILLMENT + " carrier tracking_number quantities",
    ),
    _event(
        "fulfillment.partially_delivered",
        "fulfillment",
        "Some of its packages arrived.",
        _FULFILLMENT + " packages quantities",
        packages=("array", "package ids delivered"),
        quantities=("object", "units delivered per order line id"),
    ),
    _event(
        "fulfillment.delivered",
        "fulfillment",
        "Every package arrived.",
        _FULFILLMENT + " packages quantities",
        packages=("array", "package ids delivered last"),
        quantities=("object", "units delivered per order line id"),
    ),
    _event(
        "fulfillment.partially_arrived_at_store",
        "fulfillment",
        "Ship to store: some of its packages arrived at the pickup store.",
        _FULFILLMENT + " packages store_id",
        packages=("array", "package ids that arrived"),
        store_id=("string", "the pickup store"),
    ),
    _event(
        "fulfillment.arrived_at_store",
        "fulfillment",
        "Ship to store: every package arrived at the pickup store; it is made ready next.",
        _FULFILLMENT + " packages store_id",
        packages=("array", "package ids that arrived last"),
        store_id=("string", "the pickup store"),
    ),
    _event(
        "fulfillment.leg_arrived",
        "fulfillment",
        "Consolidation: packages of a merge leg arrived at the merge node; their units are "
        "its stock now, reserved for the consolidated parcel (complete: every package).",
        _FULFILLMENT + " packages quantities merge_node_id complete",
        packages=("array", "package ids that arrived"),
        quantities=("object", "units arrived per order line id"),
        merge_node_id=("string", "the merge node (location id)"),
        complete=("boolean", "every package of the leg has arrived"),
    ),
    _event(
        "fulfillment.ready_for_pickup",
        "fulfillment",
        "Waiting at the store counter; give the customer the code.",
        _FULFILLMENT + " pickup_code collect_by",
        pickup_code=("string", "the code the customer shows to collect"),
    ),
    _event(
        "fulfillment.picked_up",
        "fulfillment",
        "The customer collected it (or carried it out of the store at the till).",
        _FULFILLMENT + " quantities carry_out?",
        carry_out=("boolean", "true for a sale at the till, handed over at once"),
    ),
    _event(
        "fulfillment.updated",
        "fulfillment",
        "Its delivery method or dates were changed.",
        _FULFILLMENT + " changes",
        changes=("object", "`{field: {from, to}}`"),
    ),
    _event(
        "fulfillment.wave_created",
        "pick_wave",
        "A pick wave grouped fulfillments of one location.",
        "location_id fulfillments",
        fulfillments=("array", "fulfillment ids"),
    ),
    # -- shipments (carrier scans of one package) ------------------------------------------
    _event(
        "shipment.in_transit",
        "shipment",
        "The carrier scanned it on its way.",
        _SCAN,
        **_SCAN_FIELDS,
    ),
    _event(
        "shipment.out_for_delivery", "shipment", "Out for delivery today.", _SCAN, **_SCAN_FIELDS
    ),
    _event("shipment.delivered", "shipment", "The carrier delivered it.", _SCAN, **_SCAN_FIELDS),
    _event(
        "shipment.exception", "shipment", "The carrier reported a problem.", _SCAN, **_SCAN_FIELDS
    ),
    # -- inventory -------------------------------------------------------------------------
    _event(
        "inventory.changed",
        "sku",
        "A stock balance changed (receipt, count, reservation, shipment...).",
        _LEVELS,
    ),
    _event(
        "inventory.low",
        "sku",
        "Available fell to the reorder point.",
        _LEVELS + " reorder_point",
        reorder_point=("integer", "the reorder point"),
    ),
    _event("inventory.out_of_stock", "sku", "Available reached 0.", _LEVELS),
    _event("inventory.back_in_stock", "sku", "Available rose above 0 again.", _LEVELS),
    _event(
        "inventory.backorder_allocated",
        "reservation",
        "Arriving stock was reserved for a waiting order line.",
        "reservation_id order_id order_line_id sku_id location_id quantity source?",
    ),
    _event(
        "inventory.preorder_backordered",
        "reservation",
        "A purchase order was cancelled or cut, so a preorder waits on as a backorder.",
        "order_id order_line_id sku_id location_id quantity",
    ),
    _event(
        "inventory.reservation_shorted",
        "reservation",
        "A reservation lost units the stock no longer has.",
        "reservation_id order_id order_line_id sku_id location_id quantity",
    ),
    _event(
        "inventory.hold_created",
        "hold",
        "A cart hold reserved stock until it expires.",
        "expires_at lines",
        expires_at=("string", "when it lapses (ISO 8601)"),
        lines=("integer", "how many lines it holds"),
    ),
    _event(
        "inventory.policy_changed",
        "sku",
        "A SKU's backorder policy changed.",
        "backorder_policy",
        backorder_policy=("string|null", "`deny`, `backorder`, `preorder` or the default"),
    ),
    _event(
        "inventory.protection_changed",
        "channel",
        "Units protected for a channel (hidden from the others) changed.",
        "sku_id quantity",
        sku_id=("string|null", "the SKU, or none for the channel's default"),
    ),
    _event(
        "inventory.purchase_order_created",
        "purchase_order",
        "Incoming supply was announced.",
        "reference location_id eta",
    ),
    _event(
        "inventory.purchase_order_updated",
        "purchase_order",
        "Its ETA or lines changed.",
        "before after",
    ),
    _event(
        "inventory.purchase_order_cancelled", "purchase_order", "It will not arrive.", "reference"
    ),
    _event(
        "inventory.purchase_order_received",
        "purchase_order",
        "Goods arrived against it.",
        "reference location_id lines",
        lines=("array", "`{sku_id, quantity}` per line received"),
    ),
    _event(
        "inventory.transfer_shipped",
        "transfer",
        "Stock left one location for another.",
        "from_location_id to_location_id lines",
        from_location_id=("string", "where it left"),
        to_location_id=("string", "where it goes"),
        lines=("array", "`{sku_id, quantity}` per line"),
    ),
    _event(
        "inventory.transfer_received",
        "transfer",
        "A transfer arrived, in whole or in part.",
        "to_location_id lines complete",
        to_location_id=("string", "where it arrived"),
        lines=("array", "`{sku_id, quantity}` per line received"),
        complete=("boolean", "true when nothing more is expected"),
    ),
    # -- returns (issue 16) -----------------------------------------------------------------
    _event(
        "return.requested",
        "return",
        "A return was asked for (by the customer, staff or a store counter).",
        _RETURN + " source",
        source=("string", "who asked: `customer`, `staff` or `store`"),
    ),
    _event("return.authorised", "return", "The return may be sent back.", _RETURN + " from"),
    _event("return.rejected", "return", "The return was refused.", _RETURN + " from"),
    _event("return.cancelled", "return", "The return will not come.", _RETURN + " from"),
    _event(
        "return.label_issued",
        "return",
        "A return label was made for the parcel.",
        _RETURN + " from carrier tracking_number",
    ),
    _event("return.in_transit", "return", "The parcel is on its way back.", _RETURN + " from"),
    _event(
        "return.received",
        "return",
        "The items arrived at a location; the order lines count them as returned.",
        _RETURN + " from location_id",
    ),
    _event(
        "return.inspected",
        "return",
        "Each received unit got its disposition (restocked, damaged, to the vendor, destroyed).",
        _RETURN + " from location_id",
    ),
    _event("return.closed", "return", "Nothing more happens with the return.", _RETURN + " from"),
    _event(
        "return.exchange_created",
        "return",
        "A replacement order was placed for the return (an exchange or a claim's reship).",
        _RETURN + " replacement_order_id",
        replacement_order_id=("string", "the order that sends the replacement"),
    ),
    # -- internal: payments and invoices ---------------------------------------------------
    _event(
        "payment.authorized",
        "payment",
        "An authorization was recorded.",
        _PAYMENT + " amount reference",
        reference=("string|null", "the provider's reference"),
    ),
    _event(
        "payment.failed", "payment", "The provider refused the authorization.", _PAYMENT + " reason"
    ),
    _event(
        "payment.captured",
        "payment",
        "Money was captured.",
        _PAYMENT + " amount reference transaction_id fulfillment_id? invoice_id?",
        reference=("string|null", "the provider's reference"),
        fulfillment_id=("string", "the shipment it pays for"),
        invoice_id=("string", "the invoice it pays"),
    ),
    _event(
        "payment.refunded",
        "payment",
        "Money was refunded.",
        _PAYMENT + " amount reference transaction_id reason?",
        reference=("string|null", "the provider's reference"),
    ),
    _event(
        "payment.voided",
        "payment",
        "An unused authorization was released.",
        _PAYMENT + " amount reference transaction_id",
        reference=("string|null", "the provider's reference"),
    ),
    _event(
        "refund.issued",
        "refund",
        "Money was given back to the customer (with or without a return).",
        "amount currency return_id reason lines",
        return_id=("string|null", "the return it is for, if any"),
        lines=("array", "`{order_line_id, sku, quantity, amount}` per line refunded"),
    ),
    _event(
        "invoice.issued",
        "invoice",
        "An invoice was issued for a shipment.",
        _INVOICE + " fulfillment_id due_date",
        fulfillment_id=("string", "the shipment invoiced"),
        due_date=("string", "ISO 8601 date"),
    ),
    _event("invoice.partially_paid", "invoice", "A payment covered part of it.", _INVOICE),
    _event("invoice.paid", "invoice", "Paid in full.", _INVOICE),
    _event(
        "credit_note.issued",
        "invoice",
        "A credit note was issued.",
        _INVOICE + " credit_note_for",
        credit_note_for=("string", "the invoice it credits"),
    ),
    # -- internal: master data and settings ------------------------------------------------
    _event(
        "api_key.created",
        "api_key",
        "An API key was created.",
        "name scopes",
        scopes=("array", "its scopes"),
    ),
    _event("api_key.revoked", "api_key", "An API key was revoked."),
    _event(
        "user.created",
        "user",
        "A staff user was created.",
        "email role",
        email=("string", "their sign-in email"),
        role=("string", "their role"),
    ),
    _event(
        "user.changed",
        "user",
        "A user's role, locations or name changed.",
        "role",
        role=("string", "their role"),
    ),
    _event(
        "user.locked",
        "user",
        "Too many wrong passwords: sign-in refused for a while.",
        "until",
        until=("string", "ISO 8601 time the lock ends"),
    ),
    _event("user.password_reset", "user", "An admin set a new password; every session ended."),
    _event("user.disabled", "user", "The account was disabled; every session ended."),
    _event("user.enabled", "user", "The account was enabled again."),
    _event(
        "carrier.created",
        "carrier",
        "A carrier was set up.",
        "code services",
        services=("array", "its service codes"),
    ),
    _event(
        "carrier.updated",
        "carrier",
        "A carrier was changed.",
        "code changes",
        changes=("array", "the fields changed"),
    ),
    _event(
        "carrier.service_defined",
        "carrier",
        "A carrier service was defined.",
        "code service",
        service=("string", "the service code"),
    ),
    _event("catalog.product_created", "product", "A product was created.", "name"),
    _event("catalog.product_updated", "product", "A product was changed.", "before after"),
    _event(
        "catalog.sku_created",
        "sku",
        "A SKU was created.",
        "sku name product_id",
        product_id=("string", "its product"),
    ),
    _event("catalog.sku_updated", "sku", "A SKU was changed.", "sku before after"),
    _event(
        "catalog.prices_set",
        "sku",
        "A SKU's prices were set.",
        "sku prices",
        prices=("array", "`{currency, amount, ...}` per price"),
    ),
    _event(
        "catalog.kit_components_set",
        "sku",
        "A kit's components were set.",
        "sku components",
        components=("array", "`{sku, quantity}` per component"),
    ),
    _event(
        "catalog.production_set",
        "sku",
        "Where and from what a SKU is made to order changed.",
        "sku routes bom",
        routes=("integer", "sites that make it"),
        bom=("integer", "components in its bill of materials"),
    ),
    _event("channel.created", "channel", "A sales channel was created.", "code"),
    _event("channel.updated", "channel", "A sales channel was changed.", "before after"),
    _event("location.created", "location", "A location was created.", "code"),
    _event("location.updated", "location", "A location was changed.", "before after"),
    _event("customer.created", "customer", "A customer was created.", "email"),
    _event("customer.updated", "customer", "A customer was changed.", "before after"),
    _event(
        "customer.address_added",
        "customer",
        "An address joined the customer's book.",
        "address_id",
        address_id=("string", "the address"),
    ),
    _event(
        "draft_order.created",
        "draft_order",
        "A draft order was started.",
        "lines",
        lines=("integer", "how many lines"),
    ),
    _event("draft_order.updated", "draft_order", "A draft order was changed.", "before after"),
    _event("draft_order.discarded", "draft_order", "A draft order was thrown away."),
    _event("draft_order.placed", "draft_order", "A draft became an order.", "order_id"),
    _event(
        "rule.created",
        "rule",
        "A hold or validation rule was created.",
        "code kind action hold_type params active",
        action=("string", "what it does when it matches"),
        hold_type=("string|null", "the hold it puts"),
        params=("object", "its parameters"),
        active=("boolean", "whether it applies"),
    ),
    _event("rule.updated", "rule", "A rule was changed.", "code before after"),
    _event("rule.deleted", "rule", "A rule was deleted.", "code kind"),
    _event(
        "compliance.embargo_added",
        "embargo",
        "Shipping to a country was embargoed.",
        "country_code action reason",
        country_code=("string", "ISO 3166 alpha-2"),
        action=("string", "`hold` or `reject`"),
    ),
    _event(
        "compliance.embargo_updated",
        "embargo",
        "An embargo was changed.",
        "country_code before after",
        country_code=("string", "ISO 3166 alpha-2"),
    ),
    _event(
        "compliance.embargo_removed",
        "embargo",
        "An embargo was lifted.",
        "country_code",
        country_code=("string", "ISO 3166 alpha-2"),
    ),
    _event(
        "compliance.settings_updated",
        "compliance_settings",
        "Screening settings changed.",
        "before after",
    ),
    _event(
        "compliance.party_list_loaded",
        "party_list",
        "A denied-party list was loaded.",
        "count sha256 sources",
        count=("integer", "entries loaded"),
        sha256=("string", "digest of the file"),
        sources=("object", "entries per source list"),
    ),
    _event(
        "sourcing.profile_created",
        "sourcing_profile",
        "A sourcing profile was created.",
        "name version",
    ),
    _event(
        "sourcing.profile_updated",
        "sourcing_profile",
        "A sourcing profile draft changed.",
        "name version",
    ),
    _event(
        "sourcing.profile_activated",
        "sourcing_profile",
        "A sourcing profile version went live.",
        "name version retired",
        retired=("string|null", "the profile it replaced"),
    ),
    _event(
        "sourcing.location_settings_changed",
        "location",
        "A location's sourcing settings changed.",
        "priority handling_days opens closes holidays networks pickup_lead_minutes",
        priority=("integer", "tie-break priority"),
        handling_days=("integer", "days before it ships"),
        opens=("string", "opening time"),
        closes=("string", "cut-off time"),
        holidays=("array", "closed dates"),
        networks=("array", "networks it belongs to"),
        pickup_lead_minutes=("integer", "minutes to get a pickup ready"),
    ),
    _event(
        "webhook_endpoint.created",
        "webhook_endpoint",
        "A webhook endpoint was created.",
        "url description event_types channel_ids enabled",
        url=("string", "where it posts"),
        description=("string|null", "free text"),
        event_types=("array", "its filters"),
        channel_ids=("array", "its channels"),
        enabled=("boolean", "whether it delivers"),
    ),
    _event(
        "webhook_endpoint.updated",
        "webhook_endpoint",
        "A webhook endpoint was changed.",
        "before after",
    ),
    _event(
        "webhook_endpoint.deleted",
        "webhook_endpoint",
        "A webhook endpoint was deleted.",
        "url",
        url=("string", "where it posted"),
    ),
    _event(
        "webhook_endpoint.secret_rotated",
        "webhook_endpoint",
        "Its signing secret was replaced.",
        "previous_valid_until",
        previous_valid_until=("string|null", "until when the old secret signs too"),
    ),
    _event(
        "webhook_endpoint.disabled",
        "webhook_endpoint",
        "Disabled after failing for too long.",
        "delivery_id reason",
        delivery_id=("string", "the delivery that gave up"),
    ),
    _event(
        "webhook_delivery.retried",
        "webhook_delivery",
        "A person asked for a delivery again.",
        "endpoint_id event_id",
        endpoint_id=("string", "the endpoint"),
        event_id=("string", "the event"),
    ),
    # -- customer notifications (on the order's timeline) ----------------------------
    _event(
        "notification.sent",
        "notification",
        "A customer email was handed to the SMTP server.",
        "trigger recipient message_id attempts",
        trigger=("string", "what it is about (`confirmation`, `shipped`, ...)"),
        recipient=("string", "the customer's email address"),
        message_id=("string", "its Message-ID header, the same on every attempt"),
        attempts=("integer", "attempts it took"),
    ),
    _event(
        "notification.failed",
        "notification",
        "A customer email could not be delivered and is not tried again (the SMTP server "
        "refused it for good, e.g. 550, or retries ran out).",
        "trigger recipient smtp_code error",
        trigger=("string", "what it is about (`confirmation`, `shipped`, ...)"),
        recipient=("string|null", "the customer's email address"),
        smtp_code=("integer|null", "the SMTP server's last reply code"),
        error=("string", "why, with the server's reply"),
    ),
    _event(
        "notification.skipped",
        "notification",
        "A customer email was not sent: the customer has no email address (`no_email`) or "
        "opted out of non-essential emails (`opted_out`).",
        "trigger reason",
        trigger=("string", "what it would have been about"),
        reason=("string", "why: `no_email`, `opted_out`"),
    ),
    _event(
        "notification.resent",
        "notification",
        "A person asked for a customer email again: a new message with the same content.",
        "trigger resent_from",
        trigger=("string", "what it is about"),
        resent_from=("string", "the notification it repeats"),
    ),
    # -- make to order -----------------------------------------------------------------
    _event(
        "work_order.planned",
        "work_order",
        "A made-to-order line got its production slot and its components reserved.",
        _WORK_ORDER,
        **_WORK_ORDER_FIELDS,
    ),
    _event(
        "work_order.started", "work_order", "Production began.", _WORK_ORDER, **_WORK_ORDER_FIELDS
    ),
    _event(
        "work_order.completed",
        "work_order",
        "Finished: components consumed, the units are at the site for the order line.",
        _WORK_ORDER,
        **_WORK_ORDER_FIELDS,
    ),
    _event(
        "work_order.cancelled",
        "work_order",
        "The order was cancelled before production finished; the slot was given back.",
        _WORK_ORDER,
        **_WORK_ORDER_FIELDS,
    ),
)

BY_NAME: dict[str, EventType] = {t.name: t for t in EVENT_TYPES}


def get(name: str) -> EventType | None:
    return BY_NAME.get(name)


def check(name: str, data: Mapping[str, Any]) -> None:
    """Raise ``EventContractError`` unless ``name`` is catalogued and ``data`` fits it."""
    found = BY_NAME.get(name)
    if found is None:
        raise EventContractError(f"event type '{name}' is not in switchyard.events.catalogue")
    problems = found.problems(data)
    if problems:
        raise EventContractError(f"{name}: {'; '.join(problems)}")


def names_in(family: str) -> list[str]:
    return [t.name for t in EVENT_TYPES if t.family == family]


def example(name: str) -> dict[str, Any]:
    """Data that fits ``name``: every field, each with a value of its first type."""
    samples: dict[str, Any] = {
        "string": "x",
        "integer": 1,
        "boolean": True,
        "object": {},
        "array": [],
        "null": None,
    }
    return {f.name: samples[f.types[0]] for f in BY_NAME[name].fields}


def markdown() -> str:
    """The "Event types" tables of docs/webhooks.md."""
    out: list[str] = []
    for family in PUBLIC_FAMILIES:
        types = [t for t in EVENT_TYPES if t.family == family]
        if not types:
            continue
        out += [f"### {family}.*", "", "| type | when | `details` |", "| --- | --- | --- |"]
        for t in types:
            fields = ", ".join(
                f"`{f.name}` ({f.type_text}{'' if f.required else ', optional'}): {f.meaning}"
                if f.own
                else f"`{f.name}`{'' if f.required else ' (optional)'}"
                for f in t.fields
            )
            out.append(f"| `{t.name}` | {t.summary} | {fields or 'none'} |")
        out.append("")
    used = {f.name for t in EVENT_TYPES if t.public for f in t.fields if not f.own}
    out += ["### Fields", "", "| field | type | meaning |", "| --- | --- | --- |"]
    for name, (json_types, meaning) in sorted(GLOSSARY.items()):
        if name in used:
            out.append(f"| `{name}` | {json_types.replace('|', ' or ')} | {meaning} |")
    out += [
        "",
        "### Internal events",
        "",
        "On the order timeline and the audit trail, never sent to webhooks:",
        "",
    ]
    internal = [t for t in EVENT_TYPES if not t.public]
    out += [f"* `{t.name}`: {t.summary}" for t in internal]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
