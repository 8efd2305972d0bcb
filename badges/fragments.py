"""Cached leaderboard rows (see ``community.fragments``).

A row's cells (rank, the member's name, role label and points) are the same for every
reader; whether the row is the reader's own (``is-me``) is decided around them on every
request. The key is everything the cells show, so a new rank, total, name or role label
makes a new key: nothing has to be invalidated, and a board read from the database is never
shown with stale cells.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from badges.selectors import BoardRow
from community import fragments

CELLS_TEMPLATE = "badges/includes/board_row_cells.html"


def _parts(row: BoardRow) -> tuple:
    return (row.rank, row.points, *fragments.member_parts(row.user))


def _render(row: BoardRow) -> tuple[str]:
    return (render_to_string(CELLS_TEMPLATE, {"row": row}),)


def attach_row_fragments(rows: list[BoardRow]) -> None:
    """Give each row its cached ``cached_html`` (one cache round trip for the page)."""
    fragments.attach(rows, kind="board-row", parts=_parts, render=_render, cacheable=lambda row: True)
