"""One HTTP attempt: POST the signed message and read the start of the answer."""

from __future__ import annotations

import time

import httpx

from switchyard import __version__
from switchyard.kernel.clock import utcnow
from switchyard.webhooks.claims import Claim
from switchyard.webhooks.message import sign_headers
from switchyard.webhooks.retries import AttemptResult, parse_retry_after

EXCERPT_BYTES = 500
USER_AGENT = f"Switchyard-Webhooks/{__version__}"


def make_client(concurrency: int) -> httpx.Client:
    """A client for webhook traffic: no redirects followed (a 3xx is a failed attempt)."""
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency)
    return httpx.Client(follow_redirects=False, limits=limits, headers={"user-agent": USER_AGENT})


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _excerpt(response: httpx.Response, deadline: float) -> str | None:
    """Up to EXCERPT_BYTES of the body; stops reading at the deadline or the limit."""
    taken = b""
    try:
        for chunk in response.iter_bytes():
            taken += chunk
            if len(taken) >= EXCERPT_BYTES or time.monotonic() > deadline:
                break
    except httpx.HTTPError:
        pass
    return taken[:EXCERPT_BYTES].decode("utf-8", errors="replace") or None


def send(client: httpx.Client, claim: Claim, timeout: float) -> AttemptResult:
    """Deliver ``claim`` once. Never raises for anything the receiver or network does."""
    headers = sign_headers(claim.delivery_id, claim.body, claim.secrets, utcnow())
    headers["content-type"] = "application/json"
    started = time.monotonic()
    try:
        with client.stream(
            "POST",
            claim.url,
            content=claim.body.encode(),
            headers=headers,
            timeout=httpx.Timeout(timeout),
        ) as response:
            excerpt = _excerpt(response, started + timeout)
            return AttemptResult(
                status_code=response.status_code,
                duration_ms=_elapsed_ms(started),
                response_excerpt=excerpt,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
    except httpx.TimeoutException as exc:
        error = f"no answer within {timeout:g}s ({type(exc).__name__})"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    except ValueError as exc:  # e.g. a URL httpx cannot parse
        error = f"invalid request: {exc}"
    return AttemptResult(status_code=None, duration_ms=_elapsed_ms(started), error=error)
