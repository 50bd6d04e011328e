"""ANSI X12 (4010 and 5010): a small tokenizer and serializer with segment specs as data,
envelope validation (ISA/IEA, GS/GE, ST/SE), 850 purchase orders mapped to orders, and
the 997 functional acknowledgement (TA1 for interchange errors) sent back.

Positions follow the 997: a segment's position is counted from ST (ST is 1), elements
from 01. Message errors name "segment N ID" counted from the start of the file as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from switchyard.integrations.domain import MappedOrder, Parsed, error
from switchyard.kernel.errors import FieldError


@dataclass(frozen=True, slots=True)
class Element:
    name: str
    type: str  # AN, ID, N0, R, DT, TM
    min: int
    max: int
    required: bool = False


def _e(name: str, type_: str, lo: int, hi: int, req: bool = False) -> Element:
    return Element(name, type_, lo, hi, req)


# The segments read or written, element by element (X12 004010/005010 dictionaries).
SEGMENTS: dict[str, tuple[Element, ...]] = {
    "GS": (
        _e("functional identifier code", "ID", 2, 2, True),
        _e("application sender's code", "AN", 2, 15, True),
        _e("application receiver's code", "AN", 2, 15, True),
        _e("date", "DT", 8, 8, True),
        _e("time", "TM", 4, 8, True),
        _e("group control number", "N0", 1, 9, True),
        _e("responsible agency code", "ID", 1, 2, True),
        _e("version", "AN", 1, 12, True),
    ),
    "GE": (
        _e("number of transaction sets", "N0", 1, 6, True),
        _e("group control number", "N0", 1, 9, True),
    ),
    "ST": (
        _e("transaction set identifier", "ID", 3, 3, True),
        _e("control number", "AN", 4, 9, True),
    ),
    "SE": (
        _e("number of included segments", "N0", 1, 10, True),
        _e("control number", "AN", 4, 9, True),
    ),
    "BEG": (
        _e("purpose code", "ID", 2, 2, True),
        _e("purchase order type", "ID", 2, 2, True),
        _e("purchase order number", "AN", 1, 22, True),
        _e("release number", "AN", 1, 30),
        _e("date", "DT", 8, 8, True),
        _e("contract number", "AN", 1, 30),
    ),
    "CUR": (_e("entity identifier code", "ID", 2, 3, True), _e("currency code", "ID", 3, 3, True)),
    "REF": (_e("qualifier", "ID", 2, 3, True), _e("reference", "AN", 1, 50)),
    "DTM": (_e("qualifier", "ID", 3, 3, True), _e("date", "DT", 8, 8)),
    "N1": (
        _e("entity identifier code", "ID", 2, 3, True),
        _e("name", "AN", 1, 60),
        _e("identification code qualifier", "ID", 1, 2),
        _e("identification code", "AN", 2, 80),
    ),
    "N2": (_e("name", "AN", 1, 60, True), _e("name", "AN", 1, 60)),
    "N3": (_e("address", "AN", 1, 55, True), _e("address", "AN", 1, 55)),
    "N4": (
        _e("city", "AN", 2, 30),
        _e("state or province", "ID", 2, 2),
        _e("postal code", "ID", 3, 15),
        _e("country code", "ID", 2, 3),
    ),
    "PER": (
        _e("contact function code", "ID", 2, 2, True),
        _e("name", "AN", 1, 60),
        _e("communication number qualifier", "ID", 2, 2),
        _e("communication number", "AN", 1, 256),
        _e("communication number qualifier", "ID", 2, 2),
        _e("communication number", "AN", 1, 256),
    ),
    "PO1": (
        _e("assigned identification", "AN", 1, 20),
        _e("quantity", "R", 1, 15, True),
        _e("unit of measure", "ID", 2, 2),
        _e("unit price", "R", 1, 17),
        _e("basis of unit price code", "ID", 2, 2),
        *(
            _e(
                "product id qualifier" if i % 2 == 0 else "product id",
                "ID" if i % 2 == 0 else "AN",
                2 if i % 2 == 0 else 1,
                2 if i % 2 == 0 else 48,
            )
            for i in range(20)
        ),
    ),
    "CTT": (
        _e("number of line items", "N0", 1, 6, True),
        _e("hash total", "R", 1, 10),
        _e("weight", "R", 1, 10),
        _e("unit of measure", "ID", 2, 2),
        _e("volume", "R", 1, 8),
        _e("unit of measure", "ID", 2, 2),
        _e("description", "AN", 1, 80),
    ),
    # the 997 we write
    "AK1": (
        _e("functional identifier code", "ID", 2, 2, True),
        _e("group control number", "N0", 1, 9, True),
    ),
    "AK2": (
        _e("transaction set identifier", "ID", 3, 3, True),
        _e("control number", "AN", 4, 9, True),
    ),
    "AK3": (
        _e("segment id", "ID", 2, 3, True),
        _e("segment position", "N0", 1, 6, True),
        _e("loop identifier", "AN", 1, 6),
        _e("segment syntax error code", "ID", 1, 3),
    ),
    "AK4": (
        _e("position in segment", "AN", 1, 2, True),
        _e("element reference number", "N0", 1, 4),
        _e("element syntax error code", "ID", 1, 3, True),
        _e("copy of bad element", "AN", 1, 99),
    ),
    "AK5": (
        _e("transaction set acknowledgment code", "ID", 1, 1, True),
        *(_e("error code", "ID", 1, 3) for _ in range(5)),
    ),
    "AK9": (
        _e("functional group acknowledge code", "ID", 1, 1, True),
        _e("number of transaction sets included", "N0", 1, 6, True),
        _e("number of received transaction sets", "N0", 1, 6, True),
        _e("number of accepted transaction sets", "N0", 1, 6, True),
        *(_e("error code", "ID", 1, 3) for _ in range(5)),
    ),
}
# Where each 850 segment sits: the loop it opens or belongs to (for AK3's loop id).
LOOP_STARTS = {"N1": "N1", "PO1": "PO1", "CTT": "CTT", "N9": "N9", "SAC": "SAC"}
# 997 AK4 codes
MISSING, TOO_SHORT, TOO_LONG, BAD_CHARACTER, BAD_CODE, BAD_DATE, BAD_TIME = (
    "1",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
)
TOO_MANY = "3"
# 997 AK3 codes
UNRECOGNIZED, UNEXPECTED, MANDATORY_MISSING, ELEMENT_ERRORS = "1", "2", "3", "8"
# AK5 codes
NOT_SUPPORTED, TRAILER_MISSING, CONTROL_MISMATCH, COUNT_MISMATCH, SEGMENTS_IN_ERROR = (
    "1",
    "2",
    "3",
    "4",
    "5",
)
DUPLICATE_CONTROL = "23"
# AK9 codes
GROUP_NOT_SUPPORTED, GROUP_TRAILER_MISSING, GROUP_CONTROL_MISMATCH, GROUP_COUNT_MISMATCH = (
    "1",
    "3",
    "4",
    "5",
)
SUPPORTED_GROUPS = {"PO": "850"}
VERSIONS = ("00401", "00501", "00400", "00500")


@dataclass(slots=True)
class Segment:
    id: str
    elements: list[str]
    number: int  # 1-based position in the file
    line: int = 0

    def get(self, n: int) -> str:
        """Element ``n`` (1-based), '' when absent."""
        return self.elements[n - 1] if 0 < n <= len(self.elements) else ""


@dataclass(frozen=True, slots=True)
class Delimiters:
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = None


class X12SyntaxError(Exception):
    def __init__(self, where: str, code: str, message: str, ta1: str | None = None) -> None:
        super().__init__(message)
        self.where, self.code, self.message, self.ta1 = where, code, message, ta1


def decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def delimiters(text: str) -> tuple[Delimiters, int]:
    """The delimiters from the ISA header and where the ISA segment ends. The ISA is read
    by its separators, not fixed offsets (senders pad badly): 16 elements, the component
    separator ISA16 is one character, the segment terminator the next one."""
    start = len(text) - len(text.lstrip())
    if not text[start : start + 3] == "ISA":
        raise X12SyntaxError("segment 1", "not_x12", "the file does not start with an ISA segment")
    element = text[start + 3 : start + 4]
    if not element or element.isalnum() or element.isspace():
        raise X12SyntaxError(
            "segment 1 ISA", "bad_delimiter", "no element separator after ISA", "026"
        )
    pos = start + 3
    for _ in range(16):
        pos = text.find(element, pos + 1) if _ else pos
        if pos < 0:
            raise X12SyntaxError(
                "segment 1 ISA", "short_isa", "the ISA has fewer than 16 elements", "024"
            )
        if _ == 15:
            break
    # pos is at the 16th separator (before ISA16)
    component = text[pos + 1 : pos + 2]
    terminator = text[pos + 2 : pos + 3]
    if not component:
        raise X12SyntaxError("segment 1 ISA", "short_isa", "the ISA ends before ISA16", "024")
    if not terminator or terminator.isalnum() or terminator == element:
        raise X12SyntaxError(
            "segment 1 ISA",
            "no_terminator",
            f"no segment terminator after ISA16: '{text[pos + 1 : pos + 6]}' follows the component separator",  # noqa: E501
            "024",
        )
    repetition = text[start:].split(element)[11] if text[start:].count(element) > 11 else ""
    rep = repetition if len(repetition) == 1 and not repetition.isalnum() else None
    # a '~' in the ISA16 position followed by a line break, and later segments ending
    # with '~': the sender omitted ISA16, '~' is the terminator (EDI.Net's quirk)
    if terminator in "\r\n" and component == "~":
        component, terminator = ">", "~"
    return Delimiters(element, component, terminator, rep), pos + 3


def tokenize(text: str) -> tuple[Delimiters, list[Segment]]:
    d, _ = delimiters(text)
    body = text[len(text) - len(text.lstrip()) :]
    segments: list[Segment] = []
    line = 1
    for raw in body.split(d.segment):
        line_here = line + (
            len(raw) - len(raw.lstrip("\r\n\t "))
            and raw[: len(raw) - len(raw.lstrip())].count("\n")
        )
        line += raw.count("\n")
        chunk = raw.strip()
        if not chunk:
            continue
        # a terminator-less segment before a line break (a sender's slip): split on it
        for piece in chunk.split("\n") if d.segment != "\n" else [chunk]:
            piece = piece.strip()
            if not piece:
                continue
            parts = piece.split(d.element)
            seg_id = parts[0].strip()
            values = [p.strip() if seg_id != "ISA" else p for p in parts[1:]]
            segments.append(Segment(seg_id, values, len(segments) + 1, line_here))
    return d, segments


def serialize(
    segments: Sequence[tuple[str, Sequence[str]]], d: Delimiters, newline: bool = True
) -> str:
    end = d.segment + ("\n" if newline and d.segment != "\n" else "")
    out = []
    for seg_id, values in segments:
        vals = list(values)
        while vals and vals[-1] == "":
            vals.pop()
        out.append(d.element.join([seg_id, *vals]) + end)
    return "".join(out)


# -- element checks against the specs ---------------------------------------------------
_NUMBER = re.compile(r"^-?\d+$")
_REAL = re.compile(r"^-?(\d+\.?\d*|\.\d+)$")


def check_element(spec: Element, value: str) -> str | None:
    """The AK4 code for ``value`` under ``spec``, None when it is fine."""
    if value == "":
        return MISSING if spec.required else None
    if spec.type == "N0" and not _NUMBER.match(value):
        return BAD_CHARACTER
    if spec.type == "R" and not _REAL.match(value):
        return BAD_CHARACTER
    if spec.type == "DT":
        if not value.isdigit() or len(value) not in (6, 8):
            return BAD_DATE
        try:
            datetime.strptime(value, "%Y%m%d" if len(value) == 8 else "%y%m%d")
        except ValueError:
            return BAD_DATE
        return None
    if spec.type == "TM":
        if not value.isdigit() or len(value) < 4 or int(value[:2]) > 23 or int(value[2:4]) > 59:
            return BAD_TIME
        return None
    size = len(value.lstrip("-").replace(".", "")) if spec.type in ("N0", "R") else len(value)
    if size < spec.min:
        return TOO_SHORT
    if size > spec.max:
        return TOO_LONG
    return None


ELEMENT_MESSAGES = {
    MISSING: "is missing",
    TOO_SHORT: "is too short",
    TOO_LONG: "is too long",
    BAD_CHARACTER: "is not a number",
    BAD_CODE: "is not a valid code",
    BAD_DATE: "is not a date",
    BAD_TIME: "is not a time",
    TOO_MANY: "is one element too many",
}


@dataclass(slots=True)
class SegmentError:
    segment: Segment
    position: int  # in the transaction set, ST = 1
    loop: str
    code: str
    elements: list[tuple[int, str, str]] = field(default_factory=list)  # (pos, code, value)
    message: str = ""

    def field_errors(self) -> list[FieldError]:
        where = f"segment {self.position} {self.segment.id}" + (
            f" (loop {self.loop})" if self.loop else ""
        )
        if not self.elements:
            return [error(where, f"x12_segment_{self.code}", self.message)]
        out = []
        for pos, code, value in self.elements:
            spec = SEGMENTS.get(self.segment.id, ())
            name = spec[pos - 1].name if pos - 1 < len(spec) else "element"
            shown = f" '{value}'" if value else ""
            out.append(
                error(
                    f"{where}, element {pos:02d}",
                    f"x12_element_{code}",
                    f"segment {self.position} {self.segment.id}: element {pos:02d} {name}{shown} {ELEMENT_MESSAGES.get(code, 'is invalid')}",  # noqa: E501
                )
            )
        return out


def check_segment(seg: Segment, position: int, loop: str) -> SegmentError | None:
    spec = SEGMENTS.get(seg.id)
    if spec is None:
        return None
    bad: list[tuple[int, str, str]] = []
    for i, element in enumerate(spec, start=1):
        value = seg.get(i)
        if seg.id == "PO1" and i > 5:
            value = value.split(">")[0]
        code = check_element(element, value)
        if code:
            bad.append((i, code, value[:99]))
    if len(seg.elements) > len(spec) and any(seg.elements[len(spec) :]):
        bad.append((len(spec) + 1, TOO_MANY, seg.elements[len(spec)][:99]))
    if not bad:
        return None
    return SegmentError(seg, position, loop, ELEMENT_ERRORS, bad)


# -- the envelope ----------------------------------------------------------------------
@dataclass(slots=True)
class Transaction:
    set_id: str
    control: str
    segments: list[Segment]  # ST .. SE
    errors: list[SegmentError] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # AK5 codes

    @property
    def status(self) -> str:
        if self.codes:
            return "R"
        return "R" if self.errors else "A"


@dataclass(slots=True)
class Group:
    gs: Segment
    transactions: list[Transaction] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    ge: Segment | None = None
    errors: list[FieldError] = field(default_factory=list)

    @property
    def functional_id(self) -> str:
        return self.gs.get(1)

    @property
    def control(self) -> str:
        return self.gs.get(6)

    @property
    def version(self) -> str:
        return self.gs.get(8)


@dataclass(slots=True)
class Interchange:
    isa: Segment
    delimiters: Delimiters
    groups: list[Group] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    ta1_code: str | None = None

    @property
    def sender(self) -> str:
        return self.isa.get(6).strip()

    @property
    def receiver(self) -> str:
        return self.isa.get(8).strip()


def _num(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _isa_errors(isa: Segment) -> tuple[list[FieldError], str | None]:
    checks: list[tuple[int, str, str, bool]] = [
        (
            9,
            "014",
            "interchange date",
            len(isa.get(9).strip()) == 6 and isa.get(9).strip().isdigit(),
        ),
        (
            10,
            "015",
            "interchange time",
            len(isa.get(10).strip()) == 4 and isa.get(10).strip().isdigit(),
        ),
        (
            12,
            "017",
            "interchange version",
            isa.get(12).strip().isdigit() and len(isa.get(12).strip()) == 5,
        ),
        (
            13,
            "018",
            "interchange control number",
            len(isa.get(13).strip()) == 9 and isa.get(13).strip().isdigit(),
        ),
        (15, "020", "usage indicator", isa.get(15).strip() in ("P", "T", "I")),
    ]
    if len(isa.elements) < 16:
        return [
            error(
                "segment 1 ISA",
                "x12_isa_short",
                f"the ISA has {len(isa.elements)} elements, not 16",
            )
        ], "024"
    for pos, ta1, name, ok in checks:
        if not ok:
            return [
                error(
                    f"segment 1 ISA, element {pos:02d}",
                    "x12_isa_invalid",
                    f"segment 1 ISA: element {pos:02d} {name} '{isa.get(pos).strip()}' is invalid",
                )
            ], ta1
    if isa.get(9).strip() != "000000":
        try:
            datetime.strptime(isa.get(9).strip(), "%y%m%d")
        except ValueError:
            return [
                error(
                    "segment 1 ISA, element 09",
                    "x12_isa_invalid",
                    f"segment 1 ISA: element 09 interchange date '{isa.get(9)}' is not a date",
                )
            ], "014"
    else:
        return [
            error(
                "segment 1 ISA, element 09",
                "x12_isa_invalid",
                "segment 1 ISA: element 09 interchange date '000000' is not a date",
            )
        ], "014"
    return [], None


def read_interchange(text: str) -> Interchange:
    """Tokenize and check the envelopes; the transactions keep their own errors."""
    d, segments = tokenize(text)
    isa = segments[0]
    ic = Interchange(isa, d)
    errs, ta1 = _isa_errors(isa)
    if errs:
        ic.errors, ic.ta1_code = errs, ta1
        return ic
    group: Group | None = None
    tx: Transaction | None = None
    iea: Segment | None = None
    for seg in segments[1:]:
        if iea is not None:
            if seg.id == "ISA":
                ic.errors.append(
                    error(
                        f"segment {seg.number} ISA",
                        "x12_second_interchange",
                        "a second interchange follows: send one interchange per file",
                    )
                )
                ic.ta1_code = ic.ta1_code or "022"
            break
        if tx is not None:
            tx.segments.append(seg)
            if seg.id == "SE":
                count = _num(seg.get(1))
                if count != len(tx.segments):
                    tx.codes.append(COUNT_MISMATCH)
                    tx.errors.append(
                        SegmentError(
                            seg,
                            len(tx.segments),
                            "",
                            ELEMENT_ERRORS,
                            [(1, BAD_CODE, seg.get(1))],
                            f"SE01 says {seg.get(1)} segments, the transaction set has {len(tx.segments)}",  # noqa: E501
                        )
                    )
                if seg.get(2) != tx.control:
                    tx.codes.append(CONTROL_MISMATCH)
                    tx.errors.append(
                        SegmentError(
                            seg,
                            len(tx.segments),
                            "",
                            ELEMENT_ERRORS,
                            [(2, BAD_CODE, seg.get(2))],
                            f"SE02 {seg.get(2)} is not ST02 {tx.control}",
                        )
                    )
                tx = None
            elif seg.id in ("ST", "GE", "IEA", "GS"):
                tx.codes.append(TRAILER_MISSING)
                tx.segments.pop()
                tx = None
            else:
                continue
            if seg.id == "SE":
                continue
        if seg.id == "GS":
            if group is not None:
                group.codes.append(GROUP_TRAILER_MISSING)
            errs_gs = check_segment(seg, 0, "")
            group = Group(seg)
            ic.groups.append(group)
            if errs_gs:
                group.errors.extend(
                    error(
                        f"segment {seg.number} GS, element {p:02d}",
                        f"x12_element_{c}",
                        f"segment {seg.number} GS: element {p:02d} {SEGMENTS['GS'][p - 1].name} '{v}' {ELEMENT_MESSAGES.get(c, 'is invalid')}",  # noqa: E501
                    )
                    for p, c, v in errs_gs.elements
                )
                group.codes.append(
                    GROUP_NOT_SUPPORTED if seg.get(1) not in SUPPORTED_GROUPS else "6"
                )
        elif seg.id == "ST":
            if group is None:
                ic.errors.append(
                    error(
                        f"segment {seg.number} ST",
                        "x12_no_group",
                        "ST outside a functional group (no GS)",
                    )
                )
                ic.ta1_code = ic.ta1_code or "024"
                continue
            tx = Transaction(seg.get(1), seg.get(2), [seg])
            if any(t.control == tx.control for t in group.transactions):
                tx.codes.append(DUPLICATE_CONTROL)
            group.transactions.append(tx)
        elif seg.id == "GE":
            if group is None:
                ic.errors.append(
                    error(f"segment {seg.number} GE", "x12_no_group", "GE without a GS")
                )
                ic.ta1_code = ic.ta1_code or "024"
                continue
            group.ge = seg
            if _num(seg.get(1)) != len(group.transactions):
                group.codes.append(GROUP_COUNT_MISMATCH)
            if _num(seg.get(2)) != _num(group.control):
                group.codes.append(GROUP_CONTROL_MISMATCH)
            group = None
        elif seg.id == "IEA":
            iea = seg
            if group is not None:
                group.codes.append(GROUP_TRAILER_MISSING)
                group = None
            if _num(seg.get(2)) != _num(isa.get(13)):
                ic.errors.append(
                    error(
                        f"segment {seg.number} IEA, element 02",
                        "x12_control_mismatch",
                        f"segment {seg.number} IEA: element 02 '{seg.get(2)}' is not the ISA13 control number '{isa.get(13)}'",  # noqa: E501
                    )
                )
                ic.ta1_code = ic.ta1_code or "001"
            elif _num(seg.get(1)) != len(ic.groups):
                ic.errors.append(
                    error(
                        f"segment {seg.number} IEA, element 01",
                        "x12_group_count",
                        f"segment {seg.number} IEA: element 01 says {seg.get(1)} groups, the interchange has {len(ic.groups)}",  # noqa: E501
                    )
                )
                ic.ta1_code = ic.ta1_code or "021"
        else:
            ic.errors.append(
                error(
                    f"segment {seg.number} {seg.id}",
                    "x12_outside_transaction",
                    f"segment {seg.number} {seg.id} is outside a transaction set",
                )
            )
            ic.ta1_code = ic.ta1_code or "024"
    if tx is not None:
        tx.codes.append(TRAILER_MISSING)
    if group is not None:
        group.codes.append(GROUP_TRAILER_MISSING)
    if iea is None:
        ic.errors.append(
            error(f"segment {len(segments)}", "x12_no_iea", "the interchange has no IEA trailer")
        )
        ic.ta1_code = ic.ta1_code or "023"
    return ic


# -- 850 -> orders ---------------------------------------------------------------------
PRODUCT_QUALIFIERS = ("SK", "VN", "VP", "ST", "MG", "BP", "IN", "UP", "UK", "EN", "CB")
PARTY_FIELDS = {"ST": "shipping_address", "BT": "billing_address"}


def _address(party: dict[str, Any], default_country: str) -> dict[str, Any] | None:
    if not party.get("line1") or not party.get("city"):
        return None
    country = party.get("country") or default_country
    if len(country) == 3:
        country = {"USA": "US", "CAN": "CA", "MEX": "MX", "DEU": "DE"}.get(country, country[:2])
    out = {
        "name": party.get("name"),
        "company": party.get("name2"),
        "line1": party["line1"],
        "line2": party.get("line2"),
        "city": party["city"],
        "region": party.get("region"),
        "postal_code": party.get("postal_code"),
        "country_code": country,
    }
    return {k: v for k, v in out.items() if v}


def map_850(tx: Transaction, seq: int, settings: dict[str, Any]) -> MappedOrder:
    """The order a valid 850 asks for; mapping errors on the order (positioned)."""
    xref: dict[str, str] = settings.get("sku_xref", {})
    default_country = str(settings.get("default_country", "US"))
    order = MappedOrder(
        seq=seq, external_id=None, body={"lines": []}, position=f"transaction {tx.control}"
    )
    parties: dict[str, dict[str, Any]] = {}
    party: dict[str, Any] | None = None
    notes: list[str] = []
    loop = ""
    lines_seen = 0
    ctt: tuple[int, Segment] | None = None
    for position, seg in enumerate(tx.segments, start=1):
        where = f"segment {position} {seg.id}"
        loop = (
            LOOP_STARTS.get(seg.id, loop)
            if seg.id not in ("ST", "SE", "BEG", "CUR", "REF", "DTM")
            else loop
        )
        bad = check_segment(seg, position, loop)
        if bad is not None and seg.id not in ("ST", "SE"):
            tx.errors.append(bad)
            order.errors.extend(bad.field_errors())
            continue
        if seg.id == "BEG":
            po = seg.get(3)
            order.external_id = po
            order.body["external_id"] = po
            order.body["po_number"] = po
            order.field_positions["external_id"] = order.field_positions["po_number"] = (
                f"{where}, element 03"
            )
        elif seg.id == "CUR" and seg.get(2):
            order.body["currency"] = seg.get(2)
            order.field_positions["currency"] = f"{where}, element 02"
        elif seg.id == "N1":
            party = parties.setdefault(seg.get(1), {"name": seg.get(2), "position": where})
        elif seg.id == "N2" and party is not None:
            party["name2"] = seg.get(1)
        elif seg.id == "N3" and party is not None:
            party["line1"], party["line2"] = seg.get(1), seg.get(2)
        elif seg.id == "N4" and party is not None:
            party.update(
                city=seg.get(1), region=seg.get(2), postal_code=seg.get(3), country=seg.get(4)
            )
        elif seg.id == "PER" and party is not None:
            for q, v in ((seg.get(3), seg.get(4)), (seg.get(5), seg.get(6))):
                if q == "TE":
                    party["phone"] = v
                elif q == "EM":
                    party["email"] = v
        elif seg.id in ("MSG", "NTE"):
            notes.append(seg.get(1) if seg.id == "MSG" else seg.get(2))
        elif seg.id == "PO1":
            lines_seen += 1
            line = _po1_line(seg, position, xref, order)
            if line is not None:
                order.body["lines"].append(line)
                order.line_positions.append(f"{where} (loop PO1)")
        elif seg.id == "CTT":
            ctt = (position, seg)
    if ctt is not None and _num(ctt[1].get(1)) != lines_seen:
        pos, seg = ctt
        bad = SegmentError(seg, pos, "CTT", ELEMENT_ERRORS, [(1, BAD_CODE, seg.get(1))])
        tx.errors.append(bad)
        order.errors.append(
            error(
                f"segment {pos} CTT, element 01",
                "x12_line_count",
                f"segment {pos} CTT: element 01 says {seg.get(1)} line items, the order has {lines_seen}",  # noqa: E501
            )
        )
    if order.external_id is None:
        order.errors.append(
            error(f"transaction {tx.control}", "x12_segment_3", "the 850 has no BEG segment")
        )
        tx.errors.append(SegmentError(tx.segments[0], 1, "", MANDATORY_MISSING, [], "BEG missing"))
    if not order.body["lines"] and not order.errors:
        order.errors.append(
            error(f"transaction {tx.control}", "x12_segment_3", "the 850 has no PO1 line")
        )
    for code, key in PARTY_FIELDS.items():
        if code in parties:
            address = _address(parties[code], default_country)
            if address:
                order.body[key] = address
                order.field_positions[key] = parties[code]["position"]
    if "billing_address" not in order.body:  # invoiced to the buyer, else the ship-to
        for code in ("BY", "ST"):
            address = _address(parties.get(code, {}), default_country)
            if address:
                order.body["billing_address"] = address
                order.field_positions["billing_address"] = parties[code]["position"]
                break
    buyer = parties.get("BY") or parties.get("ST") or {}
    customer = {
        k: v
        for k, v in (
            ("name", buyer.get("name")),
            ("email", buyer.get("email")),
            ("phone", buyer.get("phone")),
        )
        if v
    }
    if customer:
        order.body["customer"] = customer
    if notes:
        order.body["notes"] = "\n".join(n for n in notes if n)[:5000]
    order.body["attributes"] = {"x12": {"st02": tx.control}}
    return order


def _po1_line(
    seg: Segment, position: int, xref: dict[str, str], order: MappedOrder
) -> dict[str, Any] | None:
    where = f"segment {position} PO1 (loop PO1)"
    quantity = seg.get(2)
    try:
        qty = Decimal(quantity)
    except InvalidOperation:
        qty = Decimal(-1)
    if qty != qty.to_integral_value() or qty <= 0:
        order.errors.append(
            error(
                f"{where}, element 02",
                "x12_quantity",
                f"segment {position} PO1: element 02 quantity '{quantity}' is not a whole positive number",  # noqa: E501
            )
        )
        return None
    ids: dict[str, str] = {}
    for i in range(6, len(seg.elements) + 1, 2):
        q, v = seg.get(i), seg.get(i + 1)
        if q and v:
            ids.setdefault(q, v)
    sku = None
    for q in PRODUCT_QUALIFIERS:
        if q in ids and ids[q] in xref:
            sku = xref[ids[q]]
            break
    if sku is None:
        known = [q for q in PRODUCT_QUALIFIERS if q in ids]
        others = [q for q in ids if q not in PRODUCT_QUALIFIERS and q != "PD"]
        for q in known + others:
            sku = ids[q]
            break
    if sku is None:
        order.errors.append(
            error(
                f"{where}, element 07",
                "x12_no_product_id",
                f"segment {position} PO1: no product id (PO106/PO107)",
            )
        )
        return None
    line: dict[str, Any] = {"sku": sku, "quantity": int(qty)}
    if seg.get(4):
        line["unit_price"] = seg.get(4)
    return line


@dataclass(slots=True)
class X12Result:
    interchange: Interchange | None
    parsed: Parsed


def parse(raw: bytes, partner_settings: dict[str, Any] | None = None) -> Parsed:
    """Every 850 in ``raw`` as an order, the 997 (or TA1) to send back."""
    settings = partner_settings or {}
    text = decode(raw)
    parsed = Parsed()
    try:
        ic = read_interchange(text)
    except X12SyntaxError as exc:
        parsed.errors.append(error(exc.where, f"x12_{exc.code}", exc.message))
        return parsed
    parsed.sender = ic.sender
    if ic.errors:
        parsed.errors.extend(ic.errors)
        parsed.acknowledgement = ta1(ic, settings)
        return parsed
    seq = 0
    for group in ic.groups:
        wanted = SUPPORTED_GROUPS.get(group.functional_id)
        if wanted is None:
            group.codes.append(GROUP_NOT_SUPPORTED)
        for tx in group.transactions:
            if wanted is None or tx.set_id != wanted:
                if NOT_SUPPORTED not in tx.codes:
                    tx.codes.append(NOT_SUPPORTED)
                continue
            seq += 1
            order = map_850(tx, seq, settings)
            if tx.codes or group.codes:
                reasons = ", ".join(AK5_TEXT.get(c, c) for c in tx.codes + group.codes)
                order.errors.insert(
                    0,
                    error(
                        f"transaction {tx.control}",
                        "x12_envelope",
                        f"transaction set {tx.control} rejected: {reasons}",
                    ),
                )
                for se in tx.errors:
                    if se.message and se.segment.id == "SE":
                        order.errors.append(
                            error(f"segment {se.position} SE", "x12_envelope", se.message)
                        )
            parsed.orders.append(order)
        parsed.warnings.extend(group.errors)
        if group.codes and not group.transactions:
            parsed.errors.append(
                error(
                    f"segment {group.gs.number} GS",
                    "x12_group",
                    ", ".join(AK9_TEXT.get(c, c) for c in group.codes),
                )
            )
    unsupported = [g for g in ic.groups if GROUP_NOT_SUPPORTED in g.codes]
    if not parsed.orders:
        parsed.errors.extend(parsed.warnings)
        parsed.warnings = []
        names = ", ".join(
            f"{g.functional_id} ({', '.join(t.set_id for t in g.transactions)})"
            for g in unsupported
        )
        parsed.errors.append(
            error(
                "interchange",
                "x12_no_orders",
                f"no 850 purchase order in the interchange{': it holds ' + names if names else ''}",
            )
        )
    parsed.acknowledgement = ack_997(ic, settings)
    return parsed


AK5_TEXT = {
    NOT_SUPPORTED: "transaction set not supported",
    TRAILER_MISSING: "SE trailer missing",
    CONTROL_MISMATCH: "ST02 and SE02 differ",
    COUNT_MISMATCH: "SE01 is not the number of segments",
    SEGMENTS_IN_ERROR: "segments in error",
    DUPLICATE_CONTROL: "ST02 control number repeated within the group",
}
AK9_TEXT = {
    GROUP_NOT_SUPPORTED: "functional group not supported",
    GROUP_TRAILER_MISSING: "GE trailer missing",
    GROUP_CONTROL_MISMATCH: "GS06 and GE02 differ",
    GROUP_COUNT_MISMATCH: "GE01 is not the number of transaction sets",
    "6": "group control number violates syntax",
}


def _reply_isa(
    ic: Interchange | None, settings: dict[str, Any], control: int, d: Delimiters
) -> list[str]:
    now = datetime.now()
    if ic is not None:
        sender_q, sender, recv_q, recv = ic.isa.get(7), ic.isa.get(8), ic.isa.get(5), ic.isa.get(6)
        version = ic.isa.get(12).strip() or "00401"
        usage = ic.isa.get(15).strip() or "P"
    else:
        sender_q, sender, recv_q, recv, version, usage = (
            "ZZ",
            "SWITCHYARD",
            "ZZ",
            "PARTNER",
            "00401",
            "P",
        )
    return [
        "00",
        " " * 10,
        "00",
        " " * 10,
        sender_q.strip().ljust(2),
        sender.strip().ljust(15),
        recv_q.strip().ljust(2),
        recv.strip().ljust(15),
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        (d.repetition or "^") if version >= "00402" else "U",
        version,
        f"{control:09d}",
        "0",
        usage,
        d.component,
    ]


def ta1(ic: Interchange, settings: dict[str, Any]) -> str:
    """The interchange acknowledgement for an interchange rejected as a whole."""
    d = Delimiters(ic.delimiters.element, ic.delimiters.component, "~", ic.delimiters.repetition)
    control = int(settings.get("next_control", 1))
    segs: list[tuple[str, Sequence[str]]] = [
        ("ISA", _reply_isa(ic, settings, control, d)),
        (
            "TA1",
            [
                ic.isa.get(13).strip(),
                ic.isa.get(9).strip(),
                ic.isa.get(10).strip(),
                "R",
                ic.ta1_code or "024",
            ],
        ),
        ("IEA", ["0", f"{control:09d}"]),
    ]
    return serialize(segs, d)


def ack_997(ic: Interchange, settings: dict[str, Any]) -> str:
    """A 997 per functional group, in one interchange back to the sender."""
    d = Delimiters(ic.delimiters.element, ic.delimiters.component, "~", ic.delimiters.repetition)
    control = int(settings.get("next_control", 1))
    now = datetime.now()
    gs_version = ic.groups[0].version if ic.groups else "004010"
    segs: list[tuple[str, Sequence[str]]] = [("ISA", _reply_isa(ic, settings, control, d))]
    first = ic.groups[0].gs if ic.groups else None
    gs_from = first.get(3) if first is not None else ic.receiver
    gs_to = first.get(2) if first is not None else ic.sender
    segs.append(
        (
            "GS",
            [
                "FA",
                gs_from or "SWITCHYARD",
                gs_to or "PARTNER",
                now.strftime("%Y%m%d"),
                now.strftime("%H%M"),
                str(control),
                "X",
                gs_version,
            ],
        )
    )
    for n, group in enumerate(ic.groups, start=1):
        body: list[tuple[str, Sequence[str]]] = [
            ("ST", ["997", f"{n:04d}"]),
            ("AK1", [group.functional_id, group.control]),
        ]
        accepted = 0
        for tx in group.transactions:
            body.append(("AK2", [tx.set_id, tx.control]))
            for se in tx.errors:
                body.append(("AK3", [se.segment.id, str(se.position), se.loop, se.code]))
                for pos, code, value in se.elements:
                    body.append(("AK4", [str(pos), "", code, value]))
            if tx.codes or (group.codes and GROUP_NOT_SUPPORTED in group.codes):
                codes = tx.codes or [NOT_SUPPORTED]
                body.append(("AK5", ["R", *codes[:5]]))
            elif tx.errors:
                body.append(("AK5", ["R", SEGMENTS_IN_ERROR]))
            else:
                accepted += 1
                body.append(("AK5", ["A"]))
        received = len(group.transactions)
        if GROUP_NOT_SUPPORTED in group.codes or accepted == 0:
            code = "R"
        elif accepted < received or group.codes:
            code = "P" if accepted < received else "E"
        else:
            code = "A"
        ge01 = group.ge.get(1) if group.ge is not None else str(received)
        codes = list(dict.fromkeys(group.codes))[:5]
        body.append(("AK9", [code, ge01, str(received), str(accepted), *codes]))
        body.append(("SE", [str(len(body) + 1), f"{n:04d}"]))
        segs.extend(body)
    segs.append(("GE", [str(len(ic.groups)), str(control)]))
    segs.append(("IEA", ["1", f"{control:09d}"]))
    return serialize(segs, d)


def read_997(text: str) -> list[dict[str, Any]]:
    """The groups a 997 acknowledges: functional id, control, AK9 code, the AK2/AK5 pairs
    (tests and partners read our own 997 back with this)."""
    _, segs = tokenize(text)
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for seg in segs:
        if seg.id == "AK1":
            current = {"functional_id": seg.get(1), "control": seg.get(2), "sets": [], "errors": []}
            out.append(current)
        elif seg.id == "AK2" and current is not None:
            current["sets"].append({"set": seg.get(1), "control": seg.get(2)})
        elif seg.id == "AK3" and current is not None:
            current["errors"].append(
                {
                    "segment": seg.get(1),
                    "position": seg.get(2),
                    "loop": seg.get(3),
                    "code": seg.get(4),
                    "elements": [],
                }
            )
        elif seg.id == "AK4" and current is not None and current["errors"]:
            current["errors"][-1]["elements"].append(
                {"position": seg.get(1), "code": seg.get(3), "value": seg.get(4)}
            )
        elif seg.id == "AK5" and current is not None and current["sets"]:
            current["sets"][-1]["code"] = seg.get(1)
            current["sets"][-1]["errors"] = [e for e in seg.elements[1:] if e]
        elif seg.id == "AK9" and current is not None:
            current["code"] = seg.get(1)
            current["accepted"] = _num(seg.get(4))
            current["errors_ak9"] = [e for e in seg.elements[4:] if e]
    return out


def iter_segments(text: str) -> Iterator[Segment]:
    yield from tokenize(text)[1]
