"""`make serve`: gunicorn with production settings, as a load balancer and an operator see it."""

import os
import subprocess

import pytest
from django.db import connection

from tests.serving import REPO, answers, free_port, http_get, postgres_url, running


def serve_env(tmp_path, **overrides) -> dict:
    env = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    if connection.vendor == "postgresql":
        database_url = postgres_url(connection.settings_dict)  # the test database
    else:  # the SQLite test database lives in this process's memory
        database_url = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="serve-test-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        WEB_CONCURRENCY="1",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_serve_refuses_to_start_without_production_secrets(tmp_path, missing):
    result = subprocess.run(
        ["make", "--no-print-directory", "serve", f"PORT={free_port()}"],
        cwd=REPO,
        env=serve_env(tmp_path, **{missing: None}),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"make serve: set {missing} in the environment" in result.stderr


@pytest.mark.django_db
def test_serve_answers_healthz_over_plain_http_and_redirects_the_rest_to_https(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        env=serve_env(tmp_path),
        log=tmp_path / "serve.log",
        ready=answers(f"{base}/healthz"),
    ):
        status, headers, body = http_get(f"{base}/healthz")
        login_status, login_headers, _ = http_get(f"{base}/login/")
    log = (tmp_path / "serve.log").read_text()
    assert status == 200, body
    assert b'"database": "ok"' in body
    assert "gunicorn" in headers.get("Server", ""), log
    assert login_status == 301
    assert login_headers["Location"] == f"https://127.0.0.1:{port}/login/"
