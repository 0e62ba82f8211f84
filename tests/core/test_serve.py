"""`make serve`: gunicorn with production settings, as a load balancer and an operator see it."""

import os
import re
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
        STATIC_ROOT=str(tmp_path / "static"),
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


@pytest.mark.django_db
def test_serve_collects_and_serves_hashed_compressed_static_files_cached_for_a_year(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    behind_tls = {"X-Forwarded-Proto": "https"}
    with running(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        env=serve_env(tmp_path),
        log=tmp_path / "serve.log",
        ready=answers(f"{base}/healthz"),
    ):
        _, _, login_page = http_get(f"{base}/login/", headers=behind_tls)
        stylesheet = re.search(rb'href="(/static/css/oms\.[0-9a-f]{12}\.css)"', login_page)
        assert stylesheet, login_page[:2000]
        status, headers, body = http_get(
            base + stylesheet.group(1).decode(), headers={**behind_tls, "Accept-Encoding": "gzip"}
        )
    assert status == 200, (tmp_path / "serve.log").read_text()
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"
    assert body[:2] == b"\x1f\x8b"  # compressed ahead of time, served as is
