"""gunicorn, the production server: `make serve` runs
`gunicorn -c oms/gunicorn.conf.py oms.wsgi:application` with production settings.

HOST, PORT            where to listen (default 127.0.0.1:8000)
WEB_CONCURRENCY       worker processes (default CPUs + 1)
GUNICORN_THREADS      threads per worker (default 4): each holds its own database connection, so
                      a web server opens up to WEB_CONCURRENCY x GUNICORN_THREADS of them
GUNICORN_KEEPALIVE    seconds an idle keep-alive connection stays open (default 5)
GUNICORN_TIMEOUT      seconds a worker may spend on one request before it is restarted (30)
GUNICORN_ACCESS_LOG   a file, or "-" for stdout; unset: no access log (the load balancer keeps one)
PROMETHEUS_MULTIPROC_DIR  an empty directory: /metrics sums every worker's counters
"""

import os


def cpu_count() -> int:
    """CPUs this process may run on (a container's or taskset's share, not the host's)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


wsgi_app = "oms.wsgi:application"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or cpu_count() + 1)
# Threads, so that a client's keep-alive connection is kept (the sync worker closes every
# connection after one request: a channel posting orders paid a TCP set-up and a worker accept
# per order, about a quarter of the web CPU of an intake).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# The control socket's default path is one per user: two servers on one host would share it.
control_socket_disable = True


def child_exit(server, worker):
    """A worker that exits leaves its metric files to be summed no more (prometheus-client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
