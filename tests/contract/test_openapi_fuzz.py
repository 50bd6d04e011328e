"""Schemathesis over every operation of the published OpenAPI document, on both databases.

No 5xx, and every answer conforms to the document (status codes, content types, bodies).
The budget is small here (``SWITCHYARD_FUZZ_EXAMPLES``, default 4 per operation); ``make
fuzz`` runs a nightly-size budget.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Flaky
from schemathesis import checks

EXAMPLES = int(os.environ.get("SWITCHYARD_FUZZ_EXAMPLES", "4"))
# Schema-valid input may still be refused by a business rule (an unknown channel is a
# well-formed string): ``positive_data_acceptance`` does not apply to such an API.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.negative_data_rejection,
]


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_no_operation_answers_5xx_or_breaks_its_schema(app, admin_key):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {admin_key}"}
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _fuzz(operation, headers)
        except (Exception, BaseExceptionGroup) as exc:
            failures[operation.label] = str(exc)[:2000]
    assert operations > 90
    assert failures == {}, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


STEPS = int(os.environ.get("SWITCHYARD_FUZZ_STEPS", "8"))
SCENARIOS = int(os.environ.get("SWITCHYARD_FUZZ_SCENARIOS", "12"))
CHUNK = 12


def test_sequences_that_follow_the_links_answer_no_5xx(app, admin_key):
    """The stateful phase: sequences of calls where a later call may use what an earlier
    answer said (OpenAPI links and schemathesis's own inference), every answer checked.

    Random bodies rarely pass the business rules (a SKU needs a known product, an order a
    known channel), so how many sequences reach a created resource depends on chance;
    ``test_openapi_links`` checks every link deterministically instead."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    base = schema.as_state_machine()
    headers = {"Authorization": f"Bearer {admin_key}"}
    calls: list[str] = []
    failures: list[str] = []

    class APIWorkflows(base):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            calls.append(case.operation.label)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{case.operation.label}: {exc}"[:3000])
                raise

    # In chunks, without shrinking: the database moves on under the machine, so when
    # hypothesis replays a sequence it is not the same test (it stops with "flaky"). The
    # first chunk is derandomized, the rest explore; a failed check is reported as it was.
    done = 0
    while done < SCENARIOS:
        chunk = min(CHUNK, SCENARIOS - done)
        try:
            APIWorkflows.run(
                settings=settings(
                    max_examples=chunk,
                    stateful_step_count=STEPS,
                    deadline=None,
                    suppress_health_check=list(HealthCheck),
                    derandomize=done == 0,
                    database=None,
                    phases=[Phase.explicit, Phase.generate],
                )
            )
        except (Exception, BaseExceptionGroup) as exc:
            if failures:
                raise AssertionError(failures[0]) from None
            if not isinstance(exc, Flaky):
                raise
        done += chunk
    assert len(calls) >= SCENARIOS, calls  # every scenario made calls, each one checked
