from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sso import permissions
from sso.models import Role, User
from tickets.importer import ImportFailed, import_csv


class Command(BaseCommand):
    help = "Import legacy tickets from a CSV file, all or nothing (see tickets/importer.py for columns)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as", dest="username", required=True, help="The integrator account importing."
        )

    def handle(self, *args, file: Path, username: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if not (permissions.has_role(user, Role.INTEGRATOR) or permissions.is_admin(user)):
            raise CommandError(
                f"{username!r} is not an integrator: only integrators import history."
            )
        try:
            with file.open(newline="", encoding="utf-8-sig") as stream:
                result = import_csv(stream, acting_user=user)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not UTF-8 text.") from None
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {len(result.created)} tickets."))
