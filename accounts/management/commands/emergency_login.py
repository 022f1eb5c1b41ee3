from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from accounts.models import User
from accounts.services import login_token_create


class Command(BaseCommand):
    help = "Print a one-time login link for a user; it expires in EMERGENCY_LOGIN_MINUTES."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--base-url", default="http://localhost:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError("No active user with that email.")
        token = login_token_create(user=user)
        path = reverse("accounts:emergency_login", kwargs={"token": token})
        self.stdout.write(f"{options['base_url'].rstrip('/')}{path}")
        self.stderr.write(
            f"Valid once, for {settings.EMERGENCY_LOGIN_MINUTES} minutes. Do not share it."
        )
