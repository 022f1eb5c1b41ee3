"""The webinar pages and API with demo data, and FastOpp's roles enforced everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import User
from accounts.tests.factories import StaffFactory
from webinars.models import Registrant
from webinars.tests.factories import RegistrantFactory

pytestmark = pytest.mark.django_db


def login(client: Client, email: str) -> User:
    user = User.objects.get(email=email)
    client.force_login(user)
    return user


def test_webinar_demo_stats_come_from_the_database(client: Client, demo: Any) -> None:
    response = client.get("/webinar-demo/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.webinars == 13
    assert stats.registrants == Registrant.objects.count() == 13
    assert stats.attended == 3
    RegistrantFactory.create(status="attended")
    assert client.get("/webinar-demo/").context["stats"].attended == 4
    assert b'hx-get="/api/webinar-attendees"' in response.content


def test_attendees_json_is_public_rows_without_private_fields(client: Client, demo: Any) -> None:
    response = client.get("/api/webinar-attendees")
    assert response.status_code == 200
    attendees = response.json()["attendees"]
    names = {row["name"] for row in attendees}
    assert "Sarah Johnson" in names
    assert "Bob Wilson" not in names  # is_public=False
    assert "Diana Evans" not in names  # cancelled
    for row in attendees:
        assert "email" not in row
        assert "notes" not in row
        assert "sales_rep" not in row
    sarah = next(row for row in attendees if row["name"] == "Sarah Johnson")
    assert sarah["photo_url"].startswith("/uploads/registrant_photos/")


def test_attendees_htmx_gets_the_grid_partial(client: Client, demo: Any) -> None:
    response = client.get("/api/webinar-attendees", headers={"HX-Request": "true"})
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert 'data-testid="attendees-grid"' in body
    assert "<html" not in body
    assert "Sarah Johnson" in body
    assert "Bob Wilson" not in body
    assert "@" not in body  # no email addresses at all


def test_registrants_page_needs_login(client: Client, demo: Any) -> None:
    response = client.get("/webinar-registrants/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_support_cannot_see_registrants(client: Client, demo: Any) -> None:
    login(client, "staff@example.com")
    assert client.get("/webinar-registrants/").status_code == 403
    assert client.get("/api/registrants").status_code == 403


@pytest.mark.parametrize("email", ["jane@example.com", "sales@example.com"])
def test_sales_sees_only_their_registrants_on_page_and_api(
    client: Client, demo: Any, email: str
) -> None:
    user = login(client, email)
    own = set(Registrant.objects.filter(sales_rep=user).values_list("name", flat=True))
    others = set(Registrant.objects.exclude(sales_rep=user).values_list("name", flat=True))
    assert own
    assert others

    page = client.get("/webinar-registrants/")
    shown = {registrant.name for registrant in page.context["registrants"]}
    assert shown == own

    api = client.get("/api/registrants").json()["registrants"]
    assert {row["name"] for row in api} == own
    assert {row["sales_rep"] for row in api} == {email}


def test_sales_cannot_touch_someone_elses_registrant(client: Client, demo: Any) -> None:
    jane = login(client, "jane@example.com")
    other = Registrant.objects.exclude(sales_rep=jane).first()
    assert other is not None
    for url in (
        f"/webinar-registrants/{other.pk}/notes/",
        f"/webinar-registrants/{other.pk}/photo/delete/",
    ):
        assert client.post(url, {"notes": "mine now"}).status_code == 404
    assert client.get(f"/api/registrants/{other.pk}").status_code == 404
    assert (
        client.patch(
            f"/api/registrants/{other.pk}", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.notes != "mine now"


def test_marketing_sees_every_registrant(client: Client, demo: Any) -> None:
    login(client, "john@example.com")
    assert len(client.get("/api/registrants").json()["registrants"]) == 13


def test_search_returns_the_list_partial_for_htmx(client: Client, demo: Any) -> None:
    login(client, "admin@example.com")
    response = client.get(
        "/webinar-registrants/",
        {"q": "chen"},
        headers={"HX-Request": "true", "HX-Target": "registrant-list"},
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Michael Chen" in body
    assert "Sarah Johnson" not in body


def test_notes_are_saved_and_rendered_escaped(client: Client, demo: Any) -> None:
    login(client, "admin@example.com")
    registrant = Registrant.objects.get(name="John Smith")
    payload = "<img src=x onerror=alert(1)> follow up"
    response = client.post(
        f"/webinar-registrants/{registrant.pk}/notes/",
        {"notes": payload},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Notes saved." in response.content.decode()
    assert "<img src=x" not in response.content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in response.content.decode()
    registrant.refresh_from_db()
    assert registrant.notes == payload


def test_page_writes_need_the_csrf_token(demo: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, "admin@example.com")
    registrant = Registrant.objects.get(name="John Smith")
    response = client.post(f"/webinar-registrants/{registrant.pk}/notes/", {"notes": "x"})
    assert response.status_code == 403
    response = client.post(f"/webinar-registrants/{registrant.pk}/photo/", {})
    assert response.status_code == 403


def test_api_session_writes_need_the_csrf_token(demo: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    login(client, "admin@example.com")
    registrant = Registrant.objects.get(name="John Smith")
    response = client.patch(
        f"/api/registrants/{registrant.pk}", {"notes": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    registrant.refresh_from_db()
    assert registrant.notes != "x"


def test_anonymous_writes_are_refused(client: Client, demo: Any) -> None:
    registrant = Registrant.objects.get(name="John Smith")
    assert (
        client.post(f"/webinar-registrants/{registrant.pk}/notes/", {"notes": "x"}).status_code
        == 302
    )
    assert client.delete(f"/api/registrants/{registrant.pk}/photo").status_code == 401
    assert (
        client.patch(
            f"/api/registrants/{registrant.pk}", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 401
    )
    registrant.refresh_from_db()
    assert registrant.notes != "x"
    assert registrant.photo


def test_non_staff_user_cannot_use_the_staff_page(client: Client, demo: Any) -> None:
    client.force_login(User.objects.create_user("plain@example.com", "pw-123-456"))
    assert client.get("/webinar-registrants/").status_code == 403


def test_webinar_list_and_detail(client: Client, demo: Any) -> None:
    webinars = client.get("/api/webinars").json()
    assert len(webinars) == 13
    first = webinars[0]
    detail = client.get(f"/api/webinars/{first['id']}").json()
    assert detail["title"] == first["title"]
    assert detail["registrant_count"] == 1
    assert client.get("/api/webinars/999999").status_code == 404


class TestAdminRoles:
    def test_sales_admin_list_shows_only_their_registrants(self, client: Client, demo: Any) -> None:
        jane = login(client, "jane@example.com")
        response = client.get("/admin/webinars/registrant/")
        assert response.status_code == 200
        shown = {row.name for row in response.context["cl"].result_list}
        assert shown == set(
            Registrant.objects.filter(sales_rep=jane).values_list("name", flat=True)
        )

    def test_sales_cannot_open_or_change_anothers_registrant(
        self, client: Client, demo: Any
    ) -> None:
        jane = login(client, "jane@example.com")
        other = Registrant.objects.exclude(sales_rep=jane).first()
        assert other is not None
        url = f"/admin/webinars/registrant/{other.pk}/change/"
        assert client.get(url).status_code == 302  # the admin's "does not exist" redirect
        client.post(url, {"name": "Hijacked"})
        other.refresh_from_db()
        assert other.name != "Hijacked"

    def test_sales_cannot_reassign_their_registrant(self, client: Client, demo: Any) -> None:
        jane = login(client, "jane@example.com")
        own = Registrant.objects.filter(sales_rep=jane).first()
        assert own is not None
        response = client.get(f"/admin/webinars/registrant/{own.pk}/change/")
        assert response.status_code == 200
        assert "sales_rep" not in response.context["adminform"].form.fields

    def test_sales_and_support_do_not_manage_webinars_or_products(
        self, client: Client, demo: Any
    ) -> None:
        login(client, "jane@example.com")
        assert client.get("/admin/webinars/webinar/").status_code == 403
        assert client.get("/admin/catalog/product/").status_code == 403
        login(client, "staff@example.com")
        assert client.get("/admin/webinars/registrant/").status_code == 403
        assert client.get("/admin/catalog/product/").status_code == 200
        assert client.get("/admin/catalog/product/add/").status_code == 403

    def test_marketing_manages_webinars(self, client: Client, demo: Any) -> None:
        login(client, "john@example.com")
        assert client.get("/admin/webinars/webinar/add/").status_code == 200
        assert client.get("/admin/webinars/registrant/").context["cl"].result_count == 13
        assert client.get("/admin/catalog/product/add/").status_code == 200

    def test_staff_without_role_sees_nothing(self, client: Client, demo: Any) -> None:
        client.force_login(StaffFactory.create())
        assert client.get("/admin/webinars/registrant/").status_code == 403
