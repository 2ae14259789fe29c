import importlib

from django.core.management.base import BaseCommand

from sso import demo

# Each seeder module has seed(stdout=..., **options); they run in this order because later
# ones refer to earlier ones' records. Apps not built yet are skipped.
SEEDERS = [
    "catalog.demo",
    "tickets.demo",
    "tickets.compliance_demo",
    "governance.demo",
    "chargeback.demo",
    "kpis.demo",
]


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
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.seed(stdout=self.stdout, tickets=options["tickets"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Every demo account's password is {demo.DEMO_PASSWORD!r}."
            )
        )
