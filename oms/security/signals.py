"""Sign-ins and lockouts in the log (Axes keeps them in its tables too: admin -> Axes)."""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .middleware import LAST_SEEN

log = logging.getLogger("oms.security")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    if hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())  # the idle clock starts now
    log.info("sign-in user=%s address=%s", user.get_username(), _address(request))


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    log.warning("sign-in failed user=%s address=%s", credentials.get("username"), _address(request))


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    log.warning("sign-in locked out user=%s address=%s", username, ip_address)


def _address(request) -> str:
    return getattr(request, "axes_ip_address", None) or (
        request.META.get("REMOTE_ADDR", "") if request else ""
    )
