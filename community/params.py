"""Reading numbers out of query strings and form values.

``str.isdigit`` is true for "²" and "১" (which ``int`` refuses or reads as another digit) and
says nothing of size; a number past PostgreSQL's integer range cannot be compared with an id
column. Every id or page number typed into a URL goes through ``parse_id`` instead.
"""

from django import forms
from django.core.exceptions import ValidationError

# PostgreSQL's ``integer`` (ids of AutoField models, page numbers compared with them).
MAX_ID = 2**31 - 1


def parse_id(text: str | None) -> int | None:
    """A positive whole number written in ASCII digits and small enough to be an id, or None."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """The ``<id:...>`` URL converter of every Hearth route: like ``<int:...>`` but only
    numbers an id column can hold, so no view (and no query) ever sees one past the range;
    a longer number is simply a URL that does not exist (404). SQLite otherwise raises
    OverflowError binding it, a server error."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None and value != "0":
            raise ValueError(value)  # no match: the resolver tries the next pattern
        return number or 0

    def to_url(self, value) -> str:
        return str(value)


class NotAnIdConverter:
    """``<notanid:...>``: one path segment that ``<id:...>`` would refuse (letters, a sign, a
    number past the range). Routes that answer such a segment with a 404 stand in front of
    views that would otherwise fail on it (config/urls.py)."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        if parse_id(value) is not None or value == "0":
            raise ValueError(value)  # an id: the resolver tries the next pattern
        return value

    def to_url(self, value) -> str:
        return str(value)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that takes only ids ``parse_id`` accepts: Django's catches a
    ValueError from the lookup but not the OverflowError SQLite raises binding a number
    past its range, which was a server error on a form posted with a huge id."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
