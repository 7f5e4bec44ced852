"""How many statements a request sends: a page's queries must not grow with the data."""

from sqlalchemy import event

from marketplace.extensions import db


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


def count_queries(client, path, **request) -> int:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        response = client.get(path, **request)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return counter.count
