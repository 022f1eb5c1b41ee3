"""In a real browser: a photo uploaded on /webinar-registrants/ appears without a reload."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from webinars.services import registrant_photo_set
from webinars.tests.factories import RegistrantFactory
from webinars.tests.helpers import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_photo_upload_swaps_the_image_without_a_page_reload(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    StaffFactory.create(email="marketer@example.com", roles=["marketing"])
    registrant = RegistrantFactory.create(name="Pat Browser")
    registrant_photo_set(registrant=registrant, stream=io.BytesIO(image_bytes("PNG")), size=None)
    old_src = registrant.photo.url
    new_photo = tmp_path / "new-photo.png"
    new_photo.write_bytes(image_bytes("PNG", (300, 200), "navy"))

    page.goto(f"{live_server.url}/login/?next=/webinar-registrants/")
    page.fill("input[name=username]", "marketer@example.com")
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/webinar-registrants/")

    card = page.locator(f"#registrant-{registrant.pk}")
    photo = card.get_by_test_id("registrant-photo")
    assert photo.get_attribute("src") == old_src
    # Survives only if the page is never reloaded.
    page.evaluate("window.__marker = 1")

    card.locator("input[type=file]").set_input_files(str(new_photo))
    card.get_by_role("button", name="Replace photo").click()

    page.wait_for_function(
        "([selector, old]) => {"
        "  const img = document.querySelector(selector);"
        "  return img && img.getAttribute('src') !== old; }",
        arg=[f"#registrant-{registrant.pk} img", old_src],
        timeout=10_000,
    )
    card = page.locator(f"#registrant-{registrant.pk}")
    new_src = card.get_by_test_id("registrant-photo").get_attribute("src")
    assert new_src != old_src
    assert new_src.startswith("/uploads/registrant_photos/")
    assert "Photo saved." in card.inner_text()
    assert page.evaluate("window.__marker") == 1
    # The new image really loads from the upload route (re-encoded at its own size).
    page.wait_for_function(
        "(selector) => { const img = document.querySelector(selector);"
        "  return img.complete && img.naturalWidth > 0; }",
        arg=f"#registrant-{registrant.pk} img",
        timeout=10_000,
    )
    assert (
        page.evaluate(f"document.querySelector('#registrant-{registrant.pk} img').naturalWidth")
        == 300
    )
