"""/readyz: a load balancer sends traffic only to a process whose schema is migrated and whose
database and broker answer; /healthz stays the liveness probe."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tests.serving import free_port

pytestmark = pytest.mark.django_db


def test_readyz_is_public_and_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["database"] == "ok"


def test_readyz_answers_503_while_a_migration_is_unapplied_and_healthz_stays_live(client):
    latest = MigrationRecorder.Migration.objects.filter(app="orders").order_by("-id").first()
    MigrationRecorder(connection).record_unapplied(latest.app, latest.name)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error: 1 unapplied"
    assert client.get("/healthz").status_code == 200


def test_readyz_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_readyz_reveals_no_data_in_its_answer(client):
    body = client.get("/readyz").content.decode()
    assert set(client.get("/readyz").json()) == {"status", "checks"}
    assert "orders" not in body and "postgres" not in body
