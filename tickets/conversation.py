"""Replies, internal notes, attachments and satisfaction ratings.

The first public reply by provider staff is the ticket's first response (imported or not).
A public reply from the customer to a ticket waiting on them resumes the clock.
"""

import mimetypes
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from sso import permissions
from sso.models import Role, User
from tickets import conf, notifications, sla, webhooks, workflow
from tickets.errors import AlreadyRated
from tickets.models import (
    Attachment,
    Comment,
    EventKind,
    SatisfactionRating,
    Status,
    Ticket,
)
from tickets.webhook_models import WebhookEvent

MAX_COMMENT_LENGTH = 50_000


def can_comment(user, ticket: Ticket) -> bool:
    if permissions.can_work_tickets(user):
        return True
    return permissions.can_act_for_agency(user, ticket.agency_id) and permissions.has_role(
        user, Role.REQUESTER, Role.APPROVER, Role.INTEGRATOR
    )


@transaction.atomic
def add_comment(
    ticket: Ticket | int,
    *,
    acting_user: User,
    body: str,
    internal: bool = False,
    author: User | None = None,
    created_at=None,
) -> Comment:
    """A public reply or an internal note. ``author`` and ``created_at`` are for legacy imports."""
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    if not can_comment(acting_user, ticket):
        raise PermissionDenied("You may not comment on this ticket.")
    body = (body or "").strip()
    errors = {}
    if not body:
        errors["body"] = ["Write something."]
    elif len(body) > MAX_COMMENT_LENGTH:
        errors["body"] = [f"At most {MAX_COMMENT_LENGTH} characters."]
    if internal and not permissions.sees_internal_notes(acting_user):
        errors["internal"] = ["Only provider staff write internal notes."]
    imported = author is not None or created_at is not None
    if author is not None and author.pk != acting_user.pk:
        if not permissions.has_role(acting_user, Role.INTEGRATOR):
            errors["author"] = ["Only integrators may post on someone else's behalf."]
        elif author.agency_id not in (None, ticket.agency_id):
            errors["author"] = [
                "The author must be provider staff or staff of the ticket's agency."
            ]
    author = author or acting_user
    if internal and not permissions.is_provider(author):
        errors["internal"] = ["An internal note's author must be provider staff."]
    try:
        at = workflow.clean_event_time(
            ticket, created_at, acting_user=acting_user, field="created_at"
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    comment = Comment(
        ticket=ticket, author=author, body=body, internal=internal, created_at=at, imported=imported
    )
    comment._history_user = acting_user
    comment.save()
    if not internal and permissions.is_provider(author):
        if sla.record_first_response(ticket, at, legacy=workflow.is_legacy(at)):
            ticket._history_user = acting_user
            ticket.save()
            workflow.record_event(
                ticket, EventKind.RESPONSE, actor=author, at=at, breached=ticket.response_breached
            )
    elif not internal and ticket.status == Status.WAITING_ON_CUSTOMER:
        # The customer answered: the ball is back with the provider, and the clock runs again.
        workflow._apply_transition(
            ticket,
            Status.IN_PROGRESS,
            acting_user=acting_user,
            note="The customer replied.",
            at=at,
        )
    notifications.comment_added(comment)
    if not internal:
        webhooks.emit(
            WebhookEvent.COMMENTED,
            ticket,
            comment={
                "id": comment.pk,
                "author": comment.author_id,
                "body": comment.body,
                "created_at": comment.created_at,
            },
        )
    return comment


def check_upload(upload) -> tuple[str, str]:
    """(safe file name, content type) or a ValidationError naming the limit."""
    name = get_valid_filename(os.path.basename(getattr(upload, "name", "") or "file"))[:150]
    extension = os.path.splitext(name)[1].lower()
    errors = []
    limit = conf.max_attachment_bytes()
    if upload.size is None or upload.size > limit:
        errors.append(f"Files may be at most {limit // (1024 * 1024)} MB.")
    if extension not in conf.allowed_extensions():
        errors.append(
            f"{extension or 'Files without an extension'} is not allowed; allowed: "
            f"{', '.join(sorted(conf.allowed_extensions()))}."
        )
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    declared = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if declared.startswith("text/html") or declared in ("application/x-msdownload",):
        errors.append("That type of file is not allowed.")
    if errors:
        raise ValidationError({"file": errors})
    # Serve with the type the extension implies, never a type the uploader claimed.
    return name, guessed


@transaction.atomic
def add_attachment(
    ticket: Ticket | int, *, acting_user: User, upload, comment: Comment | None = None
) -> Attachment:
    ticket = workflow.lock(ticket)
    workflow.require_open(ticket)
    if not can_comment(acting_user, ticket):
        raise PermissionDenied("You may not add files to this ticket.")
    if comment is not None and comment.ticket_id != ticket.pk:
        raise ValidationError({"comment": ["That comment belongs to another ticket."]})
    name, content_type = check_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        filename=name,
        size=upload.size,
        content_type=content_type,
        internal=bool(comment and comment.internal),
        uploaded_by=acting_user,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def can_rate(user, ticket: Ticket) -> bool:
    return (
        ticket.status in (Status.RESOLVED, Status.CLOSED)
        and permissions.is_signed_in(user)
        and user.pk == ticket.requester_id
        and not SatisfactionRating.objects.filter(ticket=ticket).exists()
    )


@transaction.atomic
def rate(
    ticket: Ticket | int, *, acting_user: User, score, comment: str = ""
) -> SatisfactionRating:
    ticket = workflow.lock(ticket)
    if acting_user.pk != ticket.requester_id:
        raise PermissionDenied("Only the requester rates a ticket.")
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise workflow.TransitionNotAllowed("Tickets are rated once they are resolved.")
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        raise AlreadyRated(f"{ticket.number} is already rated.")
    if isinstance(score, bool) or str(score).strip() not in {"1", "2", "3", "4", "5"}:
        raise ValidationError({"score": ["Choose a score from 1 to 5."]})
    rating = SatisfactionRating.objects.create(
        ticket=ticket,
        score=int(score),
        comment=(comment or "").strip()[:5000],
        rated_by=acting_user,
    )
    workflow.record_event(
        ticket, EventKind.RATING, actor=acting_user, at=rating.created_at, score=rating.score
    )
    return rating
