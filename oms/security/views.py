"""Staff MFA pages: verify a sign-in, enrol an authenticator (QR code), new recovery codes."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.core.decorators import role_required
from oms.core.roles import GROUP_ROLES

from .forms import CodeForm
from .services import mfa

ENROLLING = "oms_mfa_enrolling"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _with_next(route: str, request) -> str:
    return f"{reverse(route)}?{urlencode({'next': _next(request)})}"


@never_cache
@role_required(*GROUP_ROLES)
def mfa_verify(request):
    if not mfa.mfa_enrolled(request.user):
        return redirect(_with_next("security:mfa_enrol", request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        device = mfa.mfa_verify(user=request.user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.name == mfa.RECOVERY:
                messages.warning(request, "You signed in with a recovery code: it will not work again.")
            return redirect(_next(request))
        form.add_error("code", "That code is not right (or was used already). Try the next one.")
    context = {"form": form, "next": _next(request), "demo_code": mfa.mfa_demo_code(request.user)}
    return render(request, "security/mfa_verify.html", context, status=422 if form.errors else 200)


@never_cache
@role_required(*GROUP_ROLES)
def mfa_enrol(request):
    """Scan the QR code, type the first code: the authenticator is confirmed, recovery codes shown once."""
    if mfa.mfa_enrolled(request.user) and not request.user.is_verified():
        return redirect(_with_next("security:mfa_verify", request))
    device = TOTPDevice.objects.filter(
        pk=request.session.get(ENROLLING), user=request.user, confirmed=False
    ).first()
    if device is None or request.method == "GET":
        device = mfa.mfa_start_enrolment(user=request.user)
        request.session[ENROLLING] = device.pk
    form = CodeForm(request.POST or None)
    if form.is_valid():
        codes = mfa.mfa_confirm_enrolment(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            del request.session[ENROLLING]
            otp_login(request, device)
            return render(
                request, "security/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        form.add_error("code", "That code is not right: check the app shows the OMS entry you just added.")
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        "qr": qr.svg_data_uri(scale=5),
        "secret": mfa.base32_secret(device),
    }
    return render(request, "security/mfa_enrol.html", context, status=422 if form.errors else 200)


@never_cache
@role_required(*GROUP_ROLES)
def mfa_recovery_codes(request):
    """New recovery codes (the old ones stop working); a verified session only."""
    if not request.user.is_verified():
        return redirect(_with_next("security:mfa_verify", request))
    if request.method != "POST":
        return render(request, "security/mfa_recovery_codes.html", {"codes": None, "next": "/"})
    codes = mfa.mfa_new_recovery_codes(user=request.user)
    return render(request, "security/mfa_recovery_codes.html", {"codes": codes, "next": "/"})
