"""Routing rules, evaluated in order against a ticket in memory.

``evaluate`` decides and changes the unsaved (or locked) ticket; the callers in
``tickets.workflow`` and ``tickets.triage`` save it, record the timeline and the team span.
"""

from dataclasses import dataclass, field

from tickets.models import RoutingRule, Ticket


@dataclass
class RoutingOutcome:
    rules: list[RoutingRule] = field(default_factory=list)
    changes: dict[str, tuple] = field(default_factory=dict)  # field -> (old, new)
    tags: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.rules)


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(is_active=True).select_related("set_team", "set_assignee")
    )


def matches(rule: RoutingRule, ticket: Ticket) -> bool:
    if rule.service_id and rule.service_id != ticket.service_id:
        return False
    if rule.request_type_id and rule.request_type_id != ticket.request_type_id:
        return False
    if rule.agency_id and rule.agency_id != ticket.agency_id:
        return False
    if rule.kind and rule.kind != ticket.kind:
        return False
    if rule.priority and ticket.priority > rule.priority:
        return False
    keywords = rule.keyword_list()
    if keywords:
        text = f"{ticket.title}\n{ticket.description}".lower()
        if not any(keyword in text for keyword in keywords):
            return False
    return True


def evaluate(ticket: Ticket, rules: list[RoutingRule] | None = None) -> RoutingOutcome:
    """Apply the first matching rules' actions to ``ticket`` (in memory)."""
    outcome = RoutingOutcome()
    for rule in active_rules() if rules is None else rules:
        if not matches(rule, ticket):
            continue
        outcome.rules.append(rule)
        actions = {
            "team_id": rule.set_team_id,
            "priority": rule.set_priority,
            "tier": rule.set_tier,
            "assignee_id": rule.set_assignee_id,
        }
        if rule.set_team_id and not rule.set_tier:
            actions["tier"] = rule.set_team.tier
        for name, value in actions.items():
            if value is None or getattr(ticket, name) == value:
                continue
            old = outcome.changes.get(name, (getattr(ticket, name), None))[0]
            setattr(ticket, name, value)
            outcome.changes[name] = (old, value)
        outcome.tags.extend(t for t in rule.tag_list() if t not in outcome.tags)
        if rule.stop_processing:
            break
    return outcome
