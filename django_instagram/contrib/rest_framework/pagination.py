"""Pagination of the REST API: page numbers for linked accounts, Instagram's own cursor for media.

``?cursor=`` takes the cursor Instagram returned (Graph ``after``, v1 ``next_max_id``) and the
``next`` link carries the next one. Links are built from this site's URL, never from
Instagram's ``next_url``, so no token can leak through them. Like DRF's ``CursorPagination``
there is no page count, and ``previous`` is always ``null`` because Instagram's cursors only
move forward.
"""

from __future__ import annotations

from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from ...client.pagination import Page
from .exceptions import InvalidRequest


class AccountPagination(PageNumberPagination):
    """Pages of linked accounts: staff see every account of the site, which can be thousands."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class InstagramCursorPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 12
    #: A choice, not an Instagram limit: one API page stays one Instagram request of modest size.
    max_page_size = 50

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise InvalidRequest(
                f"Invalid page size {raw!r}: use a whole number from 1 to {self.max_page_size}.",
                code="invalid_page_size",
            )
        return int(raw)

    def get_cursor(self, request) -> str | None:
        return request.query_params.get(self.cursor_query_param) or None

    def paginate_instagram_page(self, page: Page, request, api: str) -> list:
        """Remember the next cursor of ``page`` and return its items."""
        self.request = request
        pagination = page.pagination
        self.next_cursor = pagination.next_cursor if api == "graph" else pagination.next_max_id
        return list(page.data)

    def get_next_link(self) -> str | None:
        if not self.next_cursor:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "previous": None, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "https://example.com/api/instagram/accounts/1/media/?cursor=QVFIUm..."},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The cursor Instagram returned for the next page.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Items per page, 1 to {self.max_page_size}.", "schema": {"type": "integer"}},
        ]
