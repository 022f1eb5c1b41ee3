from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once (only its hash is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The token's owner.")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default: never)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user with email {options['email']}.")
        days = options["days"]
        if days is not None and days <= 0:
            raise CommandError("--days must be positive.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        issued = api_token_create(user=user, name=options["name"], expires_at=expires_at)
        self.stdout.write(issued.plain)
        self.stderr.write(
            "Store this token now: it cannot be shown again. "
            "Send it as 'Authorization: Bearer <token>'."
        )
