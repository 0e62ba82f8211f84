"""The exceptions queue: every open hold, oldest first, grouped by kind; bulk release and
bulk cancel as a background job with a progress bar (oms.core.jobs). Below the holds, what the
sales channels could not be told: failed channel pushes (with a Retry button) and failed
refunds (resent from their order)."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from oms.core.actor import Actor
from oms.core.errors import DomainError
from oms.core.jobs import job_start, jobs_of
from oms.integrations.pushes.models import ChannelPush
from oms.integrations.pushes.selectors import failed_push_group
from oms.integrations.pushes.services import push_retry as retry_push
from orders.models import Hold

from ..forms import BulkHoldsForm
from ..jobs import CANCEL, RELEASE
from ..selectors import EXCEPTION_ROWS, exception_groups, failed_refund_group, open_holds
from .common import agent_required, redirect_after


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in Hold.Kind.values else ""


def _render(request, form, status=200):
    kind = _kind(request)
    job = None
    job_id = request.GET.get("job", "")
    if job_id.isdigit():
        job = jobs_of(request.user).filter(pk=int(job_id)).first()
    response = render(
        request,
        "desk/exceptions.html",
        {
            "groups": exception_groups(kind or None, size=500 if kind else EXCEPTION_ROWS),
            "failed_pushes": failed_push_group(EXCEPTION_ROWS),
            "failed_refunds": failed_refund_group(EXCEPTION_ROWS),
            "kind": kind,
            "form": form,
            "job": job,
            "back_url": reverse("desk:exceptions"),
            "recent_jobs": list(jobs_of(request.user).exclude(pk=getattr(job, "pk", None))[:3]),
        },
    )
    response.status_code = status
    return response


@agent_required
def exceptions(request):
    return _render(request, BulkHoldsForm())


def _hold_ids(data) -> list[int]:
    """The chosen holds still open, oldest first: ticked rows plus every hold of ticked kinds."""
    chosen = open_holds().filter(Q(pk__in=data["hold"]) | Q(kind__in=data["all_of_kind"]))
    return list(chosen.order_by("opened_at", "pk").values_list("pk", flat=True))


@require_POST
@agent_required
def bulk(request):
    form = BulkHoldsForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=422)
    data = form.cleaned_data
    hold_ids = _hold_ids(data)
    if not hold_ids:
        form.add_error(None, "None of the selected holds is still open.")
        return _render(request, form, status=422)
    actor = Actor.for_user(request.user)
    if data["action"] == "release":
        job = job_start(
            kind=RELEASE,
            label=f"Release {len(hold_ids)} hold{'s' if len(hold_ids) != 1 else ''}",
            items=hold_ids,
            params={"reason": data["reason"]},
            actor=actor,
        )
    else:
        holds = Hold.objects.filter(pk__in=hold_ids).order_by("opened_at", "pk")
        order_ids = list(dict.fromkeys(holds.values_list("order_id", flat=True)))
        job = job_start(
            kind=CANCEL,
            label=f"Cancel {len(order_ids)} order{'s' if len(order_ids) != 1 else ''}",
            items=order_ids,
            params={"reason": data["reason"]},
            actor=actor,
        )
    return redirect_after(request, f"{reverse('desk:exceptions')}?job={job.pk}")


@require_POST
@agent_required
def push_retry(request, push_id: int):
    """Send a failed channel push again (a fresh round of attempts, the same idempotency key)."""
    push = get_object_or_404(ChannelPush.objects.select_related("order", "channel"), pk=push_id)
    try:
        retry_push(push=push, actor=Actor.for_user(request.user))
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('desk:exceptions')}#failed-pushes")
    messages.success(request, f"Sending to {push.channel.code} again for order {push.order.number}.")
    return redirect_after(request, f"{reverse('desk:exceptions')}#failed-pushes")
