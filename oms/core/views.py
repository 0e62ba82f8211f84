from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api.problems import problem_response
from .decorators import role_required
from .home import home_panels
from .models import Job
from .roles import DROPSHIP_VENDOR, OMS_ADMIN, ROLE_HOME, ROLE_LABELS, STAFF_ROLES, has_role, user_roles


@login_required
@role_required(*STAFF_ROLES, DROPSHIP_VENDOR)
def home(request):
    """Each role's landing page: what that role works on first. A vendor's user, who works on
    no staff desk, lands on their own."""
    roles = user_roles(request.user)
    if not roles & STAFF_ROLES:
        return redirect(ROLE_HOME[DROPSHIP_VENDOR])
    return render(
        request,
        "core/home.html",
        {
            "roles": [(role, label) for role, label in ROLE_LABELS.items() if role in roles],
            "panels": home_panels(request),
        },
    )


@login_required
@role_required(*STAFF_ROLES)
def job_detail(request, pk: int):
    """A background job's progress: the whole page, or (htmx polling) the progress partial."""
    job = Job.objects.filter(pk=pk).first()
    if job is None or not (has_role(request.user, OMS_ADMIN) or job.actor_id == request.user.pk):
        raise Http404("no such job")
    template = "core/_job.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job})


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    if not settings.REDIS_URL:
        return "not configured (tasks run in process)"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return "ok"


def _check_migrations() -> str:
    """Unapplied migrations mean this release's code is ahead of its schema: not ready."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise NotReady(f"{len(plan)} unapplied")
    return "ok"


class NotReady(Exception):
    pass


def _run_checks(checks) -> JsonResponse:
    results, healthy = {}, True
    for name, check in checks:
        try:
            results[name] = check()
        except NotReady as exc:
            results[name] = f"error: {exc}"
            healthy = False
        except Exception as exc:  # any failure of a dependency makes us unhealthy
            results[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: the database and the broker answer. Public, reveals no data."""
    return _run_checks((("database", _check_database), ("broker", _check_broker)))


@never_cache
@require_GET
def readyz(request):
    """Readiness: as /healthz, and the schema is migrated for this release's code. Public, no data."""
    return _run_checks(
        (("database", _check_database), ("migrations", _check_migrations), ("broker", _check_broker))
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return problem_response(404, "not_found", "No such resource.", request.path)
    return render(request, "404.html", status=404)


def server_error(request):
    """Rendered without the request's context processors: whatever broke (the database, a
    template) must not break the error page too."""
    if _is_api(request):
        return problem_response(500, "server_error", "Something went wrong on our side.", request.path)
    return HttpResponseServerError(loader.get_template("500.html").render({}))


def permission_denied(request, exception=None):
    if _is_api(request):
        return problem_response(403, "permission_denied", "Your role does not allow this.", request.path)
    return render(request, "403.html", status=403)
