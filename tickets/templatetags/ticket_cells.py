"""A ticket's status badge and SLA cell, for every row of the ticket lists.

Simple tags, not ``{% include %}``: an include per cell cost more than the rest of a queue row
together (a context push and a nested render for every row). The markup is the one the
partials used to render.
"""

from django import template
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

register = template.Library()

_DONE = ("resolved", "closed")
_WAITING = ("awaiting_approval",)


def _badge_colour(status: str) -> str:
    if status in _DONE:
        return "text-bg-success"
    if status == "cancelled":
        return "text-bg-secondary"
    if status == "new":
        return "text-bg-primary"
    if "waiting" in status or status in _WAITING:
        return "text-bg-warning"
    return "text-bg-info"


@register.simple_tag
def status_badge(ticket):
    """The status as a coloured badge."""
    return format_html(
        '<span class="badge {}">{}</span>',
        _badge_colour(ticket.status),
        ticket.get_status_display(),
    )


@register.simple_tag
def sla_cell(ticket):
    """ "Breached" when a target was missed; the resolution due time (a live countdown) while
    the ticket is open, or "paused"."""
    parts = []
    if ticket.resolution_breached or ticket.response_breached:
        parts.append('<span class="badge text-bg-danger">Breached</span>')
    if ticket.is_open and ticket.resolution_due_at:
        if ticket.paused_since:
            parts.append('<span class="text-muted small">paused</span>')
        else:
            due = localtime(ticket.resolution_due_at)
            parts.append(
                format_html(
                    '<span class="sla-countdown small" data-due="{}">{}</span>',
                    dateformat.format(due, "c"),
                    dateformat.format(due, "Y-m-d H:i"),
                )
            )
    return mark_safe("\n".join(parts))  # noqa: S308 - constant markup and format_html parts
