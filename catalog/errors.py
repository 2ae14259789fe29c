"""Catalog states that forbid an operation; the API answers 409 (see ``sso.errors``)."""

from sso.errors import StateConflict


class ServiceNotLive(StateConflict):
    """Only live services take new tickets and subscriptions."""


class GoLiveBlocked(StateConflict):
    """The go-live gate is not met; ``extra["missing"]`` says what is missing."""


class InvalidLifecycleMove(StateConflict):
    pass


class AlreadyDecided(StateConflict):
    pass
