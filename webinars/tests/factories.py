from __future__ import annotations

from datetime import UTC, datetime

import factory

from webinars.models import Registrant, RegistrantStatus, Webinar


class WebinarFactory(factory.django.DjangoModelFactory[Webinar]):
    class Meta:
        model = Webinar

    title = factory.Sequence(lambda n: f"Webinar {n}")
    presenter = "Oppkey"
    starts_at = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)


class RegistrantFactory(factory.django.DjangoModelFactory[Registrant]):
    class Meta:
        model = Registrant

    webinar = factory.SubFactory(WebinarFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    company = "Acme"
    status = RegistrantStatus.REGISTERED
    is_public = True
