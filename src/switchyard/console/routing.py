"""The console's route class: the errors of a page become pages, not problem documents.

Not signed in: the sign-in page (for htmx, an ``HX-Redirect`` to it). A form without the
session's CSRF token: 403 with a page that says to reload. A refused scope or location:
403 in words. Anything else a use case refuses: its status with the error in words.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute

from switchyard.console import formatting
from switchyard.console.web import (
    HEADERS,
    CsrfRejected,
    SignInRequired,
    error_page,
    forbidden_page,
    is_htmx,
    sign_in_url,
)
from switchyard.kernel.errors import Forbidden, NotFound, SwitchyardError


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await handle(request)
            except SignInRequired:
                url = sign_in_url(request)
                if is_htmx(request):
                    return Response(status_code=204, headers={"HX-Redirect": url, **HEADERS})
                return RedirectResponse(url, status_code=303, headers=HEADERS)
            except CsrfRejected:
                return error_page(
                    request,
                    403,
                    "Form expired",
                    "This form is from an earlier session or another site. Reload the page "
                    "and try again.",
                    "csrf_failed",
                )
            except Forbidden as exc:
                return forbidden_page(request, exc)
            except NotFound as exc:
                return error_page(
                    request, 404, "Not found", formatting.error_sentence(exc), exc.code
                )
            except SwitchyardError as exc:
                return error_page(
                    request, exc.status, exc.title, formatting.error_sentence(exc), exc.code
                )

        return handler
