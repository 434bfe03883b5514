"""Counts the SQL statements each request runs (``X-SQL-Statements``), for both views alike,
so the bench reports statements per notification measured under load, not assumed."""

from __future__ import annotations

from typing import Any, Callable

from django.db import connection


class CountStatements:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        count = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        # BEGIN and COMMIT are not cursor statements: only the statements are counted.
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-SQL-Statements"] = str(count)
        return response
