from __future__ import annotations

import pytest
from django.test import Client

from accounts.roles import Role
from accounts.tests.factories import StaffFactory
from catalog.sales import sales_seed


@pytest.fixture
def sales() -> None:
    sales_seed(orders=400, seed=7)


@pytest.fixture
def staff_client(db: None) -> Client:
    """A member of the sales team: one of the roles reports are for."""
    client = Client()
    client.force_login(StaffFactory.create(roles=[Role.SALES]))
    return client
