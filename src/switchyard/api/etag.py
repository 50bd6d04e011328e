"""Optimistic concurrency at the edge: versions travel as ETags and come back as If-Match."""

from __future__ import annotations

from fastapi import Request, Response

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
    if not tag.isdigit():
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
