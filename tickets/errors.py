"""Ticket states that forbid an operation; the API answers 409 (see ``sso.errors``)."""

from sso.errors import StateConflict


class TransitionNotAllowed(StateConflict):
    """The workflow does not allow this move from the ticket's current status."""


class ServiceNotAcceptingTickets(StateConflict):
    """Only live services take new tickets."""


class AlreadyRated(StateConflict):
    pass


class TicketClosed(StateConflict):
    """Closed and cancelled tickets take no comments, attachments or changes."""
