"""Headers and session rules for every response: Permissions-Policy, staff idle timeout."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

#: Powerful browser features the OMS never uses: nobody may ask for them.
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
LAST_SEEN = "oms_last_seen"
#: The session is written at most this often just to move the idle clock (not on every request).
TOUCH_EVERY_SECONDS = 60


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "OMS_PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class StaffIdleTimeoutMiddleware:
    """A signed-in session unused for OMS_STAFF_IDLE_TIMEOUT_MINUTES ends: the next request signs
    out and goes to the sign-in page (htmx: the whole page goes there; the API: 401 from DRF)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.OMS_STAFF_IDLE_TIMEOUT_MINUTES * 60
        user = getattr(request, "user", None)
        if limit and user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > limit:
                return self._signed_out(request)
            if last_seen is None or now - last_seen >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def _signed_out(self, request):
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # now anonymous: the API answers 401/403 itself
        messages.info(request, "You were signed out after a period of inactivity. Please sign in again.")
        login = f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        return redirect(login)
