"""Cursor pagination: ``?cursor=`` opaque, stable under new rows arriving, and no COUNT(*)."""

from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-pk",)
