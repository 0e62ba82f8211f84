"""Where webhooks may be sent.

- https only, except http to a loopback address while DEBUG is on or
  OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK is set (tests, a local receiver);
- no private, loopback, link-local (cloud metadata: 169.254.169.254), multicast or reserved
  address, unless OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set (a receiver on the company network)
  or, for loopback, the http exception above applies;
- checked when an endpoint is saved and again, after resolving the host name, right before every
  attempt (a name may point somewhere else by then).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeUrl(ValueError):
    """A URL webhooks may not be sent to; the message says why."""


def _loopback_http_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "OMS_WEBHOOK_ALLOW_HTTP_LOOPBACK", False))


def _address_refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address, scheme: str) -> str | None:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if address.is_loopback:
        if scheme == "http" and _loopback_http_allowed():
            return None
        if getattr(settings, "OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
            return None
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private and not getattr(settings, "OMS_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False):
        return "a private address"
    return None


def check_url(url: str, *, resolve: bool) -> None:
    """Raise UnsafeUrl when webhooks may not go to `url`. `resolve` looks the host name up
    (before sending); without it only literal addresses and the scheme are checked (on save)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname
    if scheme not in ("https", "http") or not host:
        raise UnsafeUrl("The URL must be https://host/...")
    if parts.username or parts.password:
        raise UnsafeUrl("The URL must not carry credentials; receivers verify the signature.")
    for address in _addresses(host, parts.port or (443 if scheme == "https" else 80), resolve=resolve):
        reason = _address_refused(address, scheme)
        if reason:
            raise UnsafeUrl(f"{host} is {reason}; webhooks are not sent there.")
        if scheme == "http" and not address.is_loopback:
            raise UnsafeUrl("Webhooks are sent over https only (http only to loopback in development).")
    if scheme == "http" and not _loopback_http_allowed():
        raise UnsafeUrl("Webhooks are sent over https only.")
    if scheme == "http" and not resolve and not _is_literal(host) and host != "localhost":
        raise UnsafeUrl("Webhooks are sent over https only (http only to loopback in development).")


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _addresses(host: str, port: int, *, resolve: bool) -> list:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if host == "localhost":
        return [ipaddress.ip_address("127.0.0.1")]
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise UnsafeUrl(f"{host} does not resolve ({error}).") from error
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
