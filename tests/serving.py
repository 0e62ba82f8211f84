"""Real servers in subprocesses for tests and benchmarks: a free port, a database URL a child
process can use, and a context manager that starts a server, waits until it is ready and
stops its whole process group afterwards."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_url(settings_dict: dict, name: str | None = None) -> str:
    """A DATABASE_URL for the PostgreSQL server of a Django connection (another database
    on it when `name` is given)."""
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name or settings_dict['NAME']}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http_get(url: str, timeout: float = 5, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET; redirects are answers, not followed."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (tests call our own 127.0.0.1 servers)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def answers(url: str) -> Callable[[], bool]:
    """Ready when the server answers `url`, whatever the status."""

    def check() -> bool:
        try:
            http_get(url, timeout=2)
        except OSError:
            return False
        return True

    return check


def logged(log: Path, text: str) -> Callable[[], bool]:
    """Ready when `text` appears in the log."""
    return lambda: text in log.read_text(errors="replace")


def _wait_until_ready(ready: Callable[[], bool], process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready within {timeout:.0f} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group it leads (gunicorn's workers, make's children), then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def running(
    command: list[str],
    *,
    env: dict,
    log: Path,
    ready: Callable[[], bool] | None = None,
    cwd: Path = REPO,
    timeout: float = 60,
):
    """Run `command` in a process group of its own, output to `log`; wait until `ready()`."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        if ready is not None:
            try:
                _wait_until_ready(ready, process, timeout)
            except RuntimeError as error:
                tail = log.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{command[0]}: {error}\n--- {log} (end) ---\n{tail}") from None
        yield process
    finally:
        stop(process)
