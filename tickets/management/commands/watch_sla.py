from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sso.jobs import JobAlreadyRunning, exclusive
from tickets import sla, sla_alerts


class Command(BaseCommand):
    help = "Flag SLA breaches, send early warnings and escalate now (what the 5-minute job does)."

    def handle(self, *args, **options):
        try:
            with exclusive("watch_sla", timeout=10 * 60):
                breached = sla.mark_breaches(timezone.now())
                sla_alerts.announce_breaches(breached)
                warned = sla_alerts.send_warnings()
        except JobAlreadyRunning as exc:
            raise CommandError(f"{exc}; try again in a few minutes") from None
        self.stdout.write(
            f"breached: {sum(len(ids) for ids in breached.values())}; warned: {sum(warned.values())}"
        )
