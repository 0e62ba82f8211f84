"""Routing rules: saved and deleted here (the admin, its list edits and the import call these),
validated by the model's rules and the consistency of the location lists."""

from django.core.exceptions import ValidationError

from oms.core.actor import Actor
from oms.core.transactions import transactional
from oms.core.validation import InvalidRow, full_clean

from ..errors import FulfillmentErrorCode
from ..models import RoutingRule
from ..permissions import ROUTING_RULE_WRITE


def location_lists_problem(include, exclude) -> str | None:
    """Why these include / exclude location lists cannot go together, if they cannot (the admin
    form shows it; the service refuses it)."""
    both = sorted(location.code for location in set(include or ()) & set(exclude or ()))
    return f"{', '.join(both)}: both included and excluded." if both else None


def _current(rule: RoutingRule, given, name: str) -> set:
    if given is not None:
        return set(given)
    return set(getattr(rule, name).all()) if rule.pk else set()


@transactional
def routing_rule_save(
    *, rule: RoutingRule, actor: Actor, include_locations=None, exclude_locations=None
) -> RoutingRule:
    """Save a rule the caller filled in, new or changed; the location lists, when given,
    replace the rule's."""
    ROUTING_RULE_WRITE.require(actor)
    label = f"Routing rule {rule.name or '(no name)'}"
    full_clean(rule, code=FulfillmentErrorCode.FIELD_REQUIRED, label=label)
    problem = location_lists_problem(
        _current(rule, include_locations, "include_locations"),
        _current(rule, exclude_locations, "exclude_locations"),
    )
    if problem:
        raise InvalidRow(
            FulfillmentErrorCode.FIELD_REQUIRED, label, ValidationError({"exclude_locations": problem})
        )
    rule.save()
    if include_locations is not None:
        rule.include_locations.set(include_locations)
    if exclude_locations is not None:
        rule.exclude_locations.set(exclude_locations)
    return rule


@transactional
def routing_rule_delete(*, rule: RoutingRule, actor: Actor) -> None:
    ROUTING_RULE_WRITE.require(actor)
    rule.delete()
