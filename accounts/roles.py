"""FastOpp's documented roles, kept as Django groups."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"  # manages products and webinars
    SALES = "sales"  # sees and edits only the registrants assigned to them
    SUPPORT = "support"  # reads products
