from __future__ import annotations

from typing import Any

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_logs_in_through_the_form_and_sees_the_staff_menu(
    live_server: Any, page: Any
) -> None:
    StaffFactory.create(email="browser@example.com")
    page.goto(f"{live_server.url}/protected/")
    assert "/login/" in page.url

    page.fill("input[name=username]", "browser@example.com")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/protected/")

    assert page.locator("h1").inner_text() == "Staff area"
    assert page.get_by_test_id("login-state").inner_text() == "Signed in as browser@example.com"
    staff_menu = page.get_by_test_id("staff-menu")
    assert staff_menu.is_visible()
    staff_menu.locator("summary").click()
    admin_link = staff_menu.get_by_role("link", name="Admin", exact=True)
    admin_link.wait_for(state="visible", timeout=5000)

    # The stylesheet loaded from our own static files: the navbar is styled, not raw HTML.
    display = page.evaluate("getComputedStyle(document.querySelector('header.navbar')).display")
    assert display == "flex"
