"""E-mail about tickets, sent only once the change is committed.

Messages are built inside the transaction (so they describe what was saved) and handed to
``transaction.on_commit``: a rolled-back change sends nothing. Internal notes never go to
agency users: recipients are filtered through ``sso.permissions.sees_internal_notes``.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse

from sso import permissions
from tickets import conf

log = logging.getLogger(__name__)


def ticket_url(ticket) -> str:
    return conf.site_url() + reverse("tickets:detail", args=[ticket.number])


def _people(ticket, *, requester=True, watchers=True, exclude=None):
    people = []
    if requester and ticket.requester_id:
        people.append(ticket.requester)
    if watchers:
        people.extend(ticket.watchers.all())
    seen, out = set(), []
    for person in people:
        if not person.is_active or not person.email or person.pk == getattr(exclude, "pk", None):
            continue
        if person.email not in seen:
            seen.add(person.email)
            out.append(person)
    return out


def _send_later(messages: list[EmailMessage]) -> None:
    if not messages:
        return

    def send():
        try:
            mailers.default.send_messages(messages)
        except Exception:  # a mail server outage must not break the saved change
            log.exception("ticket e-mail could not be sent")

    transaction.on_commit(send)


def _message(ticket, subject: str, body: str, recipients) -> EmailMessage | None:
    to = sorted({r.email if hasattr(r, "email") else r for r in recipients if r})
    if not to:
        return None
    return EmailMessage(
        subject=f"[{ticket.number}] {subject}",
        body=f"{body}\n\n{ticket_url(ticket)}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        bcc=to,  # recipients from different agencies must not see each other
    )


def _queue(*messages) -> None:
    _send_later([m for m in messages if m is not None])


def ticket_created(ticket) -> None:
    _queue(
        _message(
            ticket,
            f"Received: {ticket.title}",
            f"We received your ticket {ticket.number} for {ticket.service.name}.\n"
            f"Status: {ticket.get_status_display()}. Priority: P{ticket.priority}.",
            _people(ticket),
        )
    )


def ticket_assigned(ticket) -> None:
    team = ticket.team
    recipients = []
    if team is not None:
        recipients = [team.email] if team.email else [m.email for m in team.members.all()]
    if ticket.assignee_id and ticket.assignee.email:
        recipients.append(ticket.assignee.email)
    _queue(
        _message(
            ticket,
            f"Assigned to {team.name if team else 'you'}: {ticket.title}",
            f"{ticket.number} ({ticket.agency.code}, {ticket.service.code}, P{ticket.priority}) "
            f"is assigned to {team.name if team else '-'}"
            f"{' / ' + ticket.assignee.username if ticket.assignee_id else ''}.",
            recipients,
        )
    )


def comment_added(comment) -> None:
    ticket = comment.ticket
    author = comment.author
    if comment.internal:
        # Only provider staff may ever receive an internal note.
        recipients = [
            u
            for u in ([ticket.assignee] if ticket.assignee_id else [])
            if permissions.sees_internal_notes(u) and u.pk != getattr(author, "pk", None)
        ]
        _queue(
            _message(
                ticket, "Internal note", f"{author.username} wrote:\n\n{comment.body}", recipients
            )
        )
        return
    recipients = _people(ticket, exclude=author)
    if ticket.assignee_id and ticket.assignee_id != getattr(author, "pk", None):
        recipients.append(ticket.assignee)
    _queue(
        _message(
            ticket,
            f"New reply: {ticket.title}",
            f"{author.display_name() if author else 'Someone'} wrote:\n\n{comment.body}",
            recipients,
        )
    )


def ticket_resolved(ticket) -> None:
    rate_url = conf.site_url() + reverse("tickets:rate", args=[ticket.number])
    _queue(
        _message(
            ticket,
            f"Resolved: {ticket.title}",
            f"{ticket.number} is resolved. If it is not fixed, reopen it within "
            f"{conf.reopen_window_days()} days from the ticket page.\n\n"
            f"How did we do? Rate this ticket: {rate_url}",
            _people(ticket),
        )
    )


def approval_decided(ticket, *, approved: bool, note: str = "") -> None:
    verdict = "approved" if approved else "rejected"
    _queue(
        _message(
            ticket,
            f"Request {verdict}: {ticket.title}",
            f"Your request {ticket.number} was {verdict}.{(' ' + note) if note else ''}",
            _people(ticket, watchers=False),
        )
    )
