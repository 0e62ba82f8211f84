"""Where a second factor is needed, and the middleware that sends a session without one to it.

- A user who must use MFA (mfa_required_for: admins, the roles OMS_MFA_REQUIRED_ROLES names)
  reaches no staff page before verifying (or enrolling, the first time).
- Nobody reaches the admin (where API and channel tokens are issued) or a personal-data
  export (the "export" routes of OMS_AUDITED_ROUTES) without a verified session.
Requests with an API token are not sessions: the middleware leaves them to DRF.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from oms.core.api.problems import problem_response

from .services.mfa import mfa_enrolled, mfa_required_for

#: Reachable by a signed-in, not yet verified session.
OPEN_ROUTES = {"security:mfa_verify", "security:mfa_enrol", "logout", "login", "healthz", "readyz"}


def needs_second_factor(request, view_name: str) -> bool:
    if view_name.startswith("admin:"):
        return True
    return settings.OMS_AUDITED_ROUTES.get(view_name) == "export"


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not settings.OMS_MFA_ENFORCED or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in OPEN_ROUTES or request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        api = request.path.startswith("/api/")
        if api and request.headers.get("Authorization"):
            return None  # a token, not this session: DRF authenticates it
        if not (mfa_required_for(user) or needs_second_factor(request, view_name)):
            return None
        if api:
            return problem_response(
                403, "mfa_required", "Verify with your second factor first.", request.path
            )
        target = "security:mfa_verify" if mfa_enrolled(user) else "security:mfa_enrol"
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
