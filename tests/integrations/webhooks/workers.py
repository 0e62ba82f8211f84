"""Real Celery workers (subprocesses) on a real Redis, for the webhook tests and benchmark.

A private redis-server on a free port when the binary is installed (it can be restarted without
disturbing anyone else's Redis), else REDIS_URL's; each worker runs beat too, on the database
schedule, so the sweep (every second here) finds whatever a lost task or a dead worker left.
"""

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.serving import REPO, free_port, logged, postgres_url, running, stop

CELERY = str(REPO / ".venv" / "bin" / "celery") if (REPO / ".venv/bin/celery").exists() else "celery"


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


def start_redis(port: int, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 10
    while "Ready to accept connections" not in log.read_text(errors="replace"):
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"redis-server did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.05)
    return process


@contextlib.contextmanager
def broker(tmp_path: Path):
    """(redis url, restart callable or None)."""
    if redis_server_available():
        port = free_port()
        log = tmp_path / "redis.log"
        state = {"process": start_redis(port, log)}

        def restart(down_for: float = 1.0):
            stop(state["process"])
            time.sleep(down_for)
            log.write_text("")
            state["process"] = start_redis(port, log)

        try:
            yield f"redis://127.0.0.1:{port}/0", restart
        finally:
            stop(state["process"])
    elif os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"], None
    else:
        pytest.skip("needs redis-server or REDIS_URL")


def worker_env(redis_url: str, **extra) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oms.settings.base",
        "DATABASE_URL": postgres_url(connection.settings_dict),
        "REDIS_URL": redis_url,
        "DEBUG": "0",
        "OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK": "1",
        "OMS_WEBHOOK_RETRY_BASE_SECONDS": "0.3",
        "OMS_WEBHOOK_RETRY_FACTOR": "2",
        "OMS_WEBHOOK_RETRY_CAP_SECONDS": "1",
        "OMS_WEBHOOK_CONNECT_TIMEOUT": "1",
        "OMS_WEBHOOK_READ_TIMEOUT": "2",
        "OMS_WEBHOOK_SWEEP_SECONDS": "1",
        "OMS_CELERY_VISIBILITY_TIMEOUT": "30",
        "LOG_LEVEL": "WARNING",
    }
    env.update({key: str(value) for key, value in extra.items()})
    return env


@contextlib.contextmanager
def celery_worker(env: dict, log: Path, *, name: str = "w1", concurrency: int = 1, beat: bool = True):
    command = [
        CELERY,
        "-A",
        "oms",
        "worker",
        "-n",
        f"{name}@%h",
        "-Q",
        "webhooks,default",
        "-c",
        str(concurrency),
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    if beat:
        command += ["-B", "-s", str(log.parent / f"beat-{name}")]
    with running(command, env=env, log=log, ready=logged(log, " ready."), timeout=90) as process:
        yield process
