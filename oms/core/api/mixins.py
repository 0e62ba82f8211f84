"""Viewset pieces shared by every app's API."""

from oms.core.idempotency import idempotent


class IdempotentCreateMixin:
    """`create` (and `update`) honour an Idempotency-Key like every other POST: a replay
    answers the first status, body and Location, and writes nothing."""

    def create(self, request, *args, **kwargs):
        return idempotent(
            request, lambda: super(IdempotentCreateMixin, self).create(request, *args, **kwargs)
        )
