from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api.problems import problem_response
from .decorators import role_required
from .roles import DROPSHIP_VENDOR, ROLE_HOME, ROLE_LABELS, STAFF_ROLES, user_roles


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
        {"roles": [(role, label) for role, label in ROLE_LABELS.items() if role in roles]},
    )


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


@never_cache
@require_GET
def healthz(request):
    """Liveness and readiness for load balancers; public, reveals no data."""
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency makes us unhealthy
            checks[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return problem_response(404, "not_found", "No such resource.", request.path)
    return render(request, "404.html", status=404)


def server_error(request):
    if _is_api(request):
        return problem_response(500, "server_error", "Something went wrong on our side.", request.path)
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    if _is_api(request):
        return problem_response(403, "permission_denied", "Your role does not allow this.", request.path)
    return render(request, "403.html", status=403)
