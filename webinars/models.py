from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Webinar(models.Model):
    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    presenter = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return self.title


class RegistrantStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    ATTENDED = "attended", "Attended"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No show"


class Registrant(models.Model):
    """A person signed up for a webinar; staff follow them up, the public page shows some."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="registrants")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    company = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=16, choices=RegistrantStatus.choices, default=RegistrantStatus.REGISTERED
    )
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_registrants",
        help_text="Sales users see and edit only the registrants assigned to them.",
    )
    group = models.CharField(
        max_length=100, blank=True, help_text="A cohort or segment, e.g. 'Enterprise'."
    )
    is_public = models.BooleanField(
        default=False, help_text="Shown (name, company, photo) on the public webinar page."
    )
    # The length is checked by forms and the API (core.limits), not by the column.
    notes = models.TextField(blank=True, max_length=5000, help_text="Private: staff only.")
    # The name is always chosen by the server (see webinars.services.registrant_photo_set).
    photo = models.FileField(upload_to="registrant_photos/", blank=True, max_length=255)
    registered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["webinar", "email"], name="registrant_once_per_webinar")
        ]
        indexes = [models.Index(fields=["is_public", "status"], name="registrant_public_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.webinar_id})"
