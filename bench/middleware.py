"""Counts the SQL statements each request runs. Installed only when BENCHMARK_MODE is on (settings)."""

from contextlib import ExitStack

from django.db import connections


def query_count_middleware(get_response):
    """Adds `X-Query-Count: N` to every response: the statements run on every database while serving it."""

    def middleware(request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = get_response(request)
        response["X-Query-Count"] = str(count)
        return response

    return middleware
