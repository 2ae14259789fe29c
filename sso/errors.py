"""Errors that business operations raise, free of HTTP.

``StateConflict``: the record's state forbids the operation (a retired service, an invalid
lifecycle move, a decided subscription, a closed period). The API answers 409 with
``{"detail": ..., **extra}`` (``sso.api.errors.exception_handler``); pages show ``detail``
as a message. Subclass it per app (``catalog.errors.ServiceNotLive``) and pass machine-readable
extras as keywords, e.g. ``StateConflict("Gate not met", missing=[...])``.
"""


class StateConflict(Exception):
    def __init__(self, detail: str, **extra):
        super().__init__(detail)
        self.detail = detail
        self.extra = extra

    def __str__(self):
        return self.detail
