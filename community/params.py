"""Reading numbers out of query strings and form values.

``str.isdigit`` is true for "²" and "১" (which ``int`` refuses or reads as another digit) and
says nothing of size; a number past PostgreSQL's integer range cannot be compared with an id
column. Every id or page number typed into a URL goes through ``parse_id`` instead.
"""

# PostgreSQL's ``integer`` (ids of AutoField models, page numbers compared with them).
MAX_ID = 2**31 - 1


def parse_id(text: str | None) -> int | None:
    """A positive whole number written in ASCII digits and small enough to be an id, or None."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
