"""The checked reading of one row's cells: each parser takes its limits from the kind's column
specification (`columns.Column`), returns the staged value and collects what is wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kabinet.exchange.files import Cell

from .columns import BOOLEAN_VALUES, DATE_RE, NUMBER_RE, PERIOD_RE, Column, plain_number


class Cells:
    """The cells of one row with the parsers that validate them; problems are collected.

    `index` maps a column to its position in the row (shared by every row of a file), so a row
    is never turned into a dict.
    """

    __slots__ = ("index", "problems", "values")

    def __init__(self, values: Sequence[Cell], index: Mapping[str, int]) -> None:
        self.values = values
        self.index = index
        self.problems: list[tuple[str, str]] = []

    def get(self, column: str) -> Cell:
        """The cell, trimmed; None when it is empty or the file has no such column."""
        position = self.index.get(column)
        if position is None:
            return None
        value = self.values[position]
        if value.__class__ is str:
            return value.strip() or None  # type: ignore[union-attr]
        return value

    def fail(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def text(self, spec: Column) -> str:
        value = self.get(spec.name)
        if value is None:
            if spec.required:
                self.fail(spec.name, _("required"))
            return ""
        if isinstance(value, dt.date):
            value = value.isoformat()
        if len(value) > spec.max_length:
            self.fail(spec.name, _("longer than %(max)d characters") % {"max": spec.max_length})
        return value

    def choice(self, spec: Column) -> str:
        value = self.text(spec)
        if value and value not in spec.allowed:
            self.fail(
                spec.name,
                _("%(value)s is not one of: %(allowed)s")
                % {"value": value, "allowed": ", ".join(sorted(spec.allowed))},
            )
        return value

    def integer(self, spec: Column) -> int | None:
        value = self.get(spec.name)
        if value is None:
            return spec.default  # type: ignore[no-any-return]
        text = value if isinstance(value, str) else ""
        # DBF numeric fields may carry a zero fraction (5.0).
        if text.endswith((".0", ",0")):
            text = text[:-2]
        if not (text.isascii() and text.lstrip("+-").isdigit()):
            self.fail(spec.name, _("not a whole number: %(value)s") % {"value": value})
            return spec.default  # type: ignore[no-any-return]
        number = int(text)
        if not spec.low <= number <= spec.high:
            self.fail(
                spec.name,
                _("must be from %(low)d to %(high)d") % {"low": spec.low, "high": spec.high},
            )
        return number

    def decimal(self, spec: Column, *, negative: bool | None = None) -> str | None:
        """The number as staged (a point for a comma). `negative` overrides the column's own
        allowance, for a column whose sign depends on another cell (the ledger's amount)."""
        column, places, default = spec.name, spec.places, spec.default
        negative = spec.negative if negative is None else negative
        value = self.get(column)
        if value is None:
            if spec.required:
                self.fail(column, _("required"))
            return default  # type: ignore[no-any-return]
        # The common case, checked by one regular expression: no Decimal is built.
        if plain_number(places, spec.integer_digits).match(value):  # type: ignore[arg-type]
            assert isinstance(value, str)
            if value[0] == "-" and not negative and value.strip("-0.,"):
                self.fail(column, _("must not be negative"))
                return default  # type: ignore[no-any-return]
            return value.replace(",", ".")
        if not isinstance(value, str) or not NUMBER_RE.match(value):
            self.fail(column, _("not a number: %(value)s") % {"value": value})
            return default  # type: ignore[no-any-return]
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            self.fail(column, _("not a number: %(value)s") % {"value": value})
            return default  # type: ignore[no-any-return]
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(column, _("more than %(places)d decimal places") % {"places": places})
            return default  # type: ignore[no-any-return]
        if abs(number) >= Decimal(10) ** spec.integer_digits:
            self.fail(column, _("too large: %(value)s") % {"value": value})
            return default  # type: ignore[no-any-return]
        if number < 0 and not negative:
            self.fail(column, _("must not be negative"))
            return default  # type: ignore[no-any-return]
        return str(number)

    def date(self, spec: Column) -> str | None:
        column = spec.name
        value = self.get(column)
        if value is None:
            if spec.required:
                self.fail(column, _("required"))
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.fail(column, _("not a date (YYYY-MM-DD): %(value)s") % {"value": value})
        return None

    def period(self, spec: Column) -> str | None:
        column = spec.name
        value = self.get(column)
        if value is None:
            self.fail(column, _("required"))
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1).isoformat()
        match = PERIOD_RE.match(value)
        if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1900:
            return f"{match.group(1)}-{match.group(2)}-01"
        self.fail(column, _("not a period (YYYY-MM): %(value)s") % {"value": value})
        return None

    def boolean(self, spec: Column) -> bool:
        value = self.get(spec.name)
        if value is None:
            return False
        text = value.lower() if isinstance(value, str) else ""
        if text not in BOOLEAN_VALUES:
            self.fail(spec.name, _("must be 1 or 0"))
            return False
        return BOOLEAN_VALUES[text]
