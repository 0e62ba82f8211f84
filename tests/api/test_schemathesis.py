"""The OpenAPI schema is the truth: schemathesis generates requests for every operation of the
schema the API serves and sends them, as an admin, a customer-service agent, a warehouse user
and a sales channel, to the application in this process (WSGI, the test database). Any server
error and any status code, content type or response body the schema does not describe fails.

Bounded: a fixed seed (derandomized), `EXAMPLES` examples per operation, principal and mode,
no shrinking. The test prints how long it ran."""

import contextlib
import logging
import os
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oms.core.actor import Actor
from oms.core.roles import CUSTOMER_SERVICE, OMS_ADMIN, WAREHOUSE
from oms.core.services import channel_issue_token
from tests.conftest import api_token, make_user
from tests.fulfillment.factories import (
    ChannelFactory,
    LocationFactory,
    SkuFactory,
    accept,
    make_order,
    receive,
)

pytestmark = pytest.mark.django_db

#: Per operation, principal and generation mode; OMS_SCHEMATHESIS_EXAMPLES=100 for a deep run.
EXAMPLES = int(os.environ.get("OMS_SCHEMATHESIS_EXAMPLES", "4"))
#: Schema-valid requests for every principal; invalid ones (which must be refused with a
#: documented 4xx) for the admin, whose requests reach validation on every operation.
MODES = {
    OMS_ADMIN: [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    CUSTOMER_SERVICE: [GenerationMode.POSITIVE],
    WAREHOUSE: [GenerationMode.POSITIVE],
    "channel": [GenerationMode.POSITIVE],
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The application, its database connection kept open between requests (as Django's test
    client keeps it): the test's transaction holds everything the requests write."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    logging.disable(logging.WARNING)  # every refused request would log a line
    yield get_wsgi_application()
    logging.disable(logging.NOTSET)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db):
    """A little of everything, so that lookups find rows as well as miss them."""
    location = LocationFactory(code="wh-st")
    sku = SkuFactory(code="ST-1")
    receive(sku, location, 50)
    channel = ChannelFactory(code="st-web")
    accept(make_order([(sku, 2)], channel=channel))
    return location, channel


def principal_header(role: str, world) -> str:
    location, channel = world
    if role == "channel":
        return f"Token {channel_issue_token(channel=channel, actor=Actor.system('schemathesis'))}"
    user = make_user(f"st-{role}", role)
    if role == WAREHOUSE:
        location.staff.add(user)
    return f"Token {api_token(user)}"


def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def describe(label: str, error: BaseException) -> dict[str, str]:
    """{kind: report} for each distinct failure in `error` (a schemathesis FailureGroup)."""
    reports = {}
    for failure in getattr(error, "exceptions", None) or [error]:
        title = getattr(failure, "title", type(failure).__name__)
        reports[f"{label}: {title}"] = f"{label}: {title}\n{str(getattr(failure, 'message', failure))[:1500]}"
    return reports


def run_operation(operation, app, authorization: str, mode: GenerationMode) -> dict[str, str]:
    failures = {}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def exercise(case):
        try:
            case.call_and_validate(app=app, headers={"Authorization": authorization}, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # every failure is collected and reported
            for kind, report in describe(operation.label, error).items():
                failures.setdefault(kind, report)

    with contextlib.suppress(Unsatisfiable):  # no invalid request can be built for this operation
        exercise()
    return failures


@pytest.mark.parametrize("role", list(MODES))
def test_every_operation_conforms_to_the_schema(role, world, wsgi_app):
    started = time.monotonic()
    schema = schemathesis.openapi.from_dict(api_schema())
    authorization = principal_header(role, world)
    failures, operations = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in MODES[role]:
            for kind, report in run_operation(operation, wsgi_app, authorization, mode).items():
                failures.setdefault(kind, report)
    print(f"\nschemathesis as {role}: {operations} operations in {time.monotonic() - started:.1f}s")
    assert not failures, "\n\n".join(failures.values()) + f"\n\n({len(failures)} distinct failures)"
