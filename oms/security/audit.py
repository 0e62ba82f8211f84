"""Which routes show or hand out a customer's personal data, and the middleware that records
each use of them by a person (settings.OMS_AUDITED_ROUTES: route name -> action)."""

from django.conf import settings

from .models import PersonalDataAccess
from .services.audit import audit_record_access

#: The URL kwargs that name the record read (an order number, a fulfillment order's id...).
SUBJECT_KWARGS = ("number", "pk", "object_id")


class PersonalDataAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not 200 <= response.status_code < 300:
            return response
        action = settings.OMS_AUDITED_ROUTES.get(match.view_name)
        user = getattr(request, "user", None)
        if action is None or user is None or not user.is_authenticated or user.pk is None:
            return response  # not personal data, or not a person (a sales channel's token)
        if action == PersonalDataAccess.Action.EXPORT and not _is_a_file(response):
            return response  # the export's form, not the data
        subject = next((str(match.kwargs[key]) for key in SUBJECT_KWARGS if key in match.kwargs), "")
        audit_record_access(
            user=user, action=action, resource=match.view_name, subject=subject, request=request
        )
        return response


def _is_a_file(response) -> bool:
    return "attachment" in response.headers.get("Content-Disposition", "") or response.streaming
