from django.core.management.base import BaseCommand, CommandError

from sso.jobs import JobAlreadyRunning, exclusive
from tickets import workflow


class Command(BaseCommand):
    help = "Close tickets resolved more than N days ago (default TICKETS_AUTO_CLOSE_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, default=None)

    def handle(self, *args, older_than_days=None, **options):
        if older_than_days is not None and older_than_days < 0:
            raise CommandError("--older-than-days cannot be negative")
        try:
            with exclusive("close_resolved", timeout=60 * 60):
                closed = workflow.close_resolved(older_than_days=older_than_days)
        except JobAlreadyRunning as exc:
            raise CommandError(f"{exc}; try again when it has finished") from None
        self.stdout.write(f"closed {closed} tickets")
