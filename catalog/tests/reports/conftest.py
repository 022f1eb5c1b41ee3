from __future__ import annotations

import pytest
from django.test import Client

from catalog.sales import sales_seed


@pytest.fixture
def sales() -> None:
    sales_seed(orders=400, seed=7)


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client
