import importlib

from django.core.management.base import BaseCommand

from sso import demo

# Each app that has demo data provides <app>/demo.py with seed(stdout=..., **options);
# they run in this order because later ones refer to earlier ones' records.
APP_SEEDERS = ["catalog", "tickets", "governance", "chargeback", "kpis"]


class Command(BaseCommand):
    help = "Create the demo organization and data (idempotent: reruns add only what is missing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--tickets",
            type=int,
            default=None,
            help="How many tickets to seed (default: a few months' worth).",
        )

    def handle(self, *args, **options):
        demo.seed(stdout=self.stdout)
        for app in APP_SEEDERS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout, tickets=options["tickets"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Every demo account's password is {demo.DEMO_PASSWORD!r}."
            )
        )
