"""Optimistic concurrency at the edge: versions travel as ETags and come back as If-Match."""

from __future__ import annotations

from fastapi import Request, Response

from switchyard.api.fields import MAX_INT32
from switchyard.kernel.errors import FieldError, ValidationFailed


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def expected_version(request: Request, body_version: int | None = None) -> int | None:
    """The version the client last saw, from If-Match or the body; None when it gave neither."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return body_version
    tag = header.strip().removeprefix("W/").strip('"')
    # isdigit() alone takes other scripts' digits ("٣"); a version is a stored int32
    if not (tag.isascii() and tag.isdigit() and len(tag) <= 10 and int(tag) <= MAX_INT32):
        raise ValidationFailed(
            "invalid_if_match",
            'If-Match must be an ETag this API returned, such as "3"',
            [FieldError("header.if-match", "invalid_if_match", header)],
        )
    version = int(tag)
    if body_version is not None and body_version != version:
        raise ValidationFailed(
            "version_disagrees",
            "If-Match and the body's version disagree",
            [FieldError("version", "version_disagrees", "differs from If-Match")],
        )
    return version
