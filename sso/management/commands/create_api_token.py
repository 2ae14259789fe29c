from django.core.management.base import BaseCommand, CommandError

from sso.models import User
from sso.organization import issue_api_token


class Command(BaseCommand):
    help = "Print the API key of USERNAME, making one if needed (--rotate replaces it)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing key.")

    def handle(self, *args, username, rotate, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is inactive: activate the account first.")
        self.stdout.write(issue_api_token(user, rotate=rotate))
