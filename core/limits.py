"""The limits of API input, read from the model fields that store it.

A page form gets its limits from the model (ModelForm, or the same helpers); the API's
pydantic schemas get them here, so a name the admin refuses is refused by the API too,
with a 422 instead of the database's 500. Every string is also refused when it holds a
NUL byte (PostgreSQL cannot store one) or a lone surrogate (not encodable as UTF-8).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

# The page forms' search boxes (catalog, registrants) and the API's `search` parameters.
SEARCH_MAX_LENGTH = 100


def text_check(value: str) -> str:
    """Refuse what no column can store; the message never quotes the input."""
    if "\x00" in value:
        raise PydanticCustomError("invalid_text", "Text must not contain NUL characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError(
            "invalid_text", "Text must be valid Unicode (no lone surrogates)."
        ) from None
    return value


# Any string the API takes where no model field sets a length (the chat's message has its
# own limit and error code in chat.services).
Text = Annotated[str, AfterValidator(text_check)]


def model_field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def max_length(model: type[models.Model], name: str) -> int | None:
    length: int | None = model_field(model, name).max_length
    return length


@dataclass(frozen=True)
class Limits(GroupedMetadata):
    """The metadata of one ``Annotated[...]`` type: pydantic applies each item in turn."""

    items: tuple[Any, ...]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)


def text(model: type[models.Model], name: str, *, min_length: int = 0) -> Limits:
    """``Annotated[str, text(Model, "field")]``: a CharField's or TextField's length."""
    field_limits = Field(min_length=min_length or None, max_length=max_length(model, name))
    return Limits((field_limits, AfterValidator(text_check)))


def bounded_text(max_chars: int) -> Limits:
    """``Annotated[str, bounded_text(n)]``: a string that no model field bounds."""
    return Limits((Field(max_length=max_chars), AfterValidator(text_check)))


def _bounds(field: Any) -> tuple[Any, Any]:
    low = high = None
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            low = validator.limit_value
        elif isinstance(validator, MaxValueValidator):
            high = validator.limit_value
    return low, high


def decimal(model: type[models.Model], name: str) -> Limits:
    """``Annotated[Decimal, decimal(Model, "field")]``: a DecimalField's digits, places and
    Min/MaxValueValidators. 1.239 for a 2-place field is refused rather than rounded, 1e20
    for a 10-digit one rather than overflowing the column."""
    field = model_field(model, name)
    low, high = _bounds(field)
    return Limits(
        (
            Field(
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
                ge=Decimal(low) if low is not None else None,
                le=Decimal(high) if high is not None else None,
                allow_inf_nan=False,
            ),
        )
    )


def integer(model: type[models.Model], name: str, *, ge: int | None = None) -> Limits:
    """``Annotated[int, integer(Model, "field")]``: within the column's range on this
    database and the field's validators."""
    field = model_field(model, name)
    column_low, column_high = connection.ops.integer_field_range(field.get_internal_type())
    valid_low, valid_high = _bounds(field)
    lows = [x for x in (column_low, valid_low, ge) if x is not None]
    highs = [x for x in (column_high, valid_high) if x is not None]
    return Limits((Field(ge=max(lows) if lows else None, le=min(highs) if highs else None),))


def primary_key(model: type[models.Model]) -> Limits:
    """``Annotated[int, primary_key(Model)]``: a positive id within the key column's range."""
    pk = model._meta.pk
    assert pk is not None
    return integer(model, pk.name, ge=1)


class InputSchema(BaseModel):
    """The base of every API request body.

    A plain pydantic model, not ninja's Schema: ninja's accepts any object and reads its
    attributes, so a JSON array, ``null`` or ``"x"`` became a body of defaults.
    """

    model_config = ConfigDict(extra="ignore")
