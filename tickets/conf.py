"""Ticket settings, read at call time (never frozen at import) with sensible defaults."""

from django.conf import settings

DEFAULT_EXTENSIONS = (
    ".pdf .png .jpg .jpeg .gif .txt .log .csv .xlsx .xls .docx .doc .pptx .odt .ods .zip .eml .msg"
)


def reopen_window_days() -> int:
    return int(getattr(settings, "TICKETS_REOPEN_WINDOW_DAYS", 7))


def auto_close_days() -> int:
    return int(getattr(settings, "TICKETS_AUTO_CLOSE_DAYS", 5))


def max_attachment_bytes() -> int:
    return int(getattr(settings, "TICKETS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def allowed_extensions() -> frozenset[str]:
    value = getattr(settings, "TICKETS_ATTACHMENT_EXTENSIONS", DEFAULT_EXTENSIONS)
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return frozenset(ext.lower() if ext.startswith(".") else f".{ext.lower()}" for ext in value)


def site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def sla_warning_pct() -> int:
    """Share of an SLA target after which the assignee and team lead are warned (100 = breach)."""
    return int(getattr(settings, "SLA_WARNING_PCT", 75))


def ola_target_minutes(team_id: int | None, priority: int) -> int | None:
    """The team's internal target for a priority, if it has one."""
    if team_id is None:
        return None
    from tickets.compliance_models import TeamOlaTarget

    return (
        TeamOlaTarget.objects.filter(team_id=team_id, priority=priority)
        .values_list("minutes", flat=True)
        .first()
    )
