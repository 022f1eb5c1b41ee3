from __future__ import annotations

import re
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


def test_forgotten_password_is_reset_through_the_mailed_link(
    live_server: Any, page: Any, mailoutbox: list[Any]
) -> None:
    StaffFactory.create(email="browser@example.com")
    page.goto(f"{live_server.url}/login/")
    page.click("text=Forgot password?")
    page.fill("input[name=email]", "browser@example.com")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/password/reset/sent/")

    link = re.search(r"(/password/reset/\S+/\S+/)", mailoutbox[0].body)
    assert link
    page.goto(live_server.url + link.group(1))
    page.fill("input[name=new_password1]", "browser-new-pass-31")
    page.fill("input[name=new_password2]", "browser-new-pass-31")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/password/reset/done/")

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "browser@example.com")
    page.fill("input[name=password]", "browser-new-pass-31")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_phone_width_reaches_change_password_from_the_menu(live_server: Any, browser: Any) -> None:
    from accounts.models import User

    StaffFactory.create(email="phone@example.com")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "phone@example.com")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # The navbar's own link is hidden at this width; its items must not overlap the logo.
    assert not page.get_by_test_id("change-password").is_visible()
    page.click("button[aria-label='Open menu']")
    page.locator("header ul.dropdown-content").get_by_role("link", name="Change password").click()
    page.wait_for_url(f"{live_server.url}/password/change/")
    page.fill("input[name=old_password]", DEFAULT_PASSWORD)
    page.fill("input[name=new_password1]", "phone-new-pass-52")
    page.fill("input[name=new_password2]", "phone-new-pass-52")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/password/change/done/")
    assert User.objects.get(email="phone@example.com").check_password("phone-new-pass-52")
    context.close()
