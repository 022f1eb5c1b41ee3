"""Reads for webinars and registrants, with FastOpp's roles applied in one place."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from accounts.access import user_acting_roles
from accounts.models import User
from accounts.roles import Role
from webinars.models import Registrant, RegistrantStatus, Webinar

# Roles that see and edit every registrant; sales sees only its own; support sees none.
_ALL_REGISTRANTS_ROLES = (Role.ADMIN, Role.MARKETING)


def registrant_access(*, user: User | AnonymousUser) -> str:
    """'all', 'own' or 'none': how much of the registrant list this user may see and edit."""
    roles = user_acting_roles(user=user)  # one query for both questions
    if not roles.isdisjoint(_ALL_REGISTRANTS_ROLES):
        return "all"
    if Role.SALES in roles:
        return "own"
    return "none"


def registrant_list(
    *, user: User | AnonymousUser, search: str = "", webinar_id: int | None = None
) -> QuerySet[Registrant]:
    """The registrants ``user`` may see, optionally narrowed by a search text."""
    access = registrant_access(user=user)
    queryset = Registrant.objects.select_related("webinar", "sales_rep").order_by("name", "id")
    if access == "none":
        return queryset.none()
    if access == "own":
        queryset = queryset.filter(sales_rep_id=user.pk)
    if search:
        queryset = queryset.filter(
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(company__icontains=search)
            | Q(webinar__title__icontains=search)
        )
    if webinar_id is not None:
        queryset = queryset.filter(webinar_id=webinar_id)
    return queryset


def registrant_get(*, user: User | AnonymousUser, registrant_id: int) -> Registrant | None:
    """One registrant, or None when it does not exist *or* the user may not see it."""
    return registrant_list(user=user).filter(pk=registrant_id).first()


def registrant_public_list() -> QuerySet[Registrant]:
    return (
        Registrant.objects.filter(is_public=True)
        .exclude(status=RegistrantStatus.CANCELLED)
        .select_related("webinar")
        .order_by("name", "id")
    )


def webinar_list() -> QuerySet[Webinar]:
    return Webinar.objects.annotate(registrant_count=Count("registrants")).order_by("starts_at")


def webinar_get(*, webinar_id: int) -> Webinar | None:
    return webinar_list().filter(pk=webinar_id).first()


@dataclass(frozen=True)
class WebinarStats:
    webinars: int
    registrants: int
    attended: int
    companies: int
    public_attendees: int

    @property
    def attendance_rate(self) -> int:
        """Attended as a share of all registrants, in percent."""
        return round(100 * self.attended / self.registrants) if self.registrants else 0


def webinar_stats() -> WebinarStats:
    totals = Registrant.objects.aggregate(
        registrants=Count("id"),
        attended=Count("id", filter=Q(status=RegistrantStatus.ATTENDED)),
        companies=Count("company", distinct=True, filter=~Q(company="")),
    )
    return WebinarStats(
        webinars=Webinar.objects.count(),
        registrants=totals["registrants"],
        attended=totals["attended"],
        companies=totals["companies"],
        public_attendees=registrant_public_list().count(),
    )
