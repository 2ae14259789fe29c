from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from sso.jobs import JobAlreadyRunning, exclusive
from tickets import compliance


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2026-01-31") from None


class Command(BaseCommand):
    help = "Compute SLA and team OLA compliance for a date range (default: yesterday). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="last", help="Last day, YYYY-MM-DD (at most yesterday).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, first=None, last=None, no_progress=False, **options):
        yesterday = compliance.today_local() - timedelta(days=1)
        last_day = _date(last) if last else yesterday
        first_day = _date(first) if first else last_day
        try:
            compliance.validate_range(first_day, last_day)
        except compliance.ComplianceRangeError as exc:
            raise CommandError(str(exc)) from None
        from tqdm import tqdm

        total_days = (last_day - first_day).days + 1
        bar = tqdm(total=total_days, unit="day", disable=no_progress, file=self.stderr._out)
        try:
            with exclusive("compute_sla_compliance", timeout=6 * 60 * 60):
                totals = compliance.compute_range(
                    first_day, last_day, on_chunk=lambda a, b: bar.update((b - a).days + 1)
                )
        except JobAlreadyRunning as exc:
            raise CommandError(f"{exc}; try again when it has finished") from None
        finally:
            bar.close()
        self.stdout.write(
            f"{first_day}..{last_day}: {totals['days']} day rows, {totals['months']} month rows, "
            f"{totals['team_days']} team rows"
        )
