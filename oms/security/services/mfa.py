"""Staff MFA: TOTP devices (an authenticator app) with single-use recovery codes (django-otp)."""

import base64
import hashlib

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oms.core.roles import user_roles

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
DEMO = "demo"
RECOVERY_CODES = 10


def mfa_required_for(user) -> bool:
    """Admins (superusers and the roles in OMS_MFA_REQUIRED_ROLES) must use a second factor."""
    if not settings.OMS_MFA_ENFORCED or not user.is_authenticated:
        return False
    return user.is_superuser or bool(user_roles(user) & set(settings.OMS_MFA_REQUIRED_ROLES))


def mfa_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


def mfa_start_enrolment(*, user) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (replacing an unconfirmed one left behind)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def mfa_confirm_enrolment(*, device: TOTPDevice, token: str) -> list[str] | None:
    """The first code from the app confirms the device; returns new recovery codes (or None)."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return mfa_new_recovery_codes(user=device.user)


@transaction.atomic
def mfa_new_recovery_codes(*, user) -> list[str]:
    """Replaces the user's recovery codes: each works once, instead of the authenticator."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_verify(*, user, token: str):
    """The confirmed device (authenticator, then recovery codes) that accepts `token`, or None.
    Each device counts failures and makes the next try wait longer (django-otp throttling)."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():  # for_verify locks the devices (select_for_update) until we are done
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


def mfa_enrol_demo_device(*, user) -> TOTPDevice:
    """seed_demo: a confirmed authenticator with a key derived from the username (the same on
    every run, so it can be added to an app once); DEBUG sign-ins show its current code."""
    key = hashlib.sha256(f"oms-demo-totp:{user.get_username()}".encode()).hexdigest()[:40]
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name=DEMO, defaults={"key": key, "confirmed": True}
    )
    return device


def mfa_demo_code(user) -> str | None:
    """The current code of the user's demo device, for the DEBUG hint (never in production)."""
    if not settings.OMS_MFA_DEMO_HINTS:
        return None
    device = TOTPDevice.objects.filter(user=user, name=DEMO, confirmed=True).first()
    return current_code(device) if device else None


def current_code(device: TOTPDevice) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")
