"""GET /healthz: 200 when the database answers, 503 JSON within a second when it does not."""

import socket
import time

import pytest

from marketplace import create_app


def app_with_database(tmp_path, url: str):
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "health",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


def timed_health(app):
    client = app.test_client()
    client.get("/ping")  # the first request's one-off costs are not the health check's
    started = time.monotonic()
    response = client.get("/healthz")
    return response, time.monotonic() - started


def test_healthy_database_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:{port}/impactbeurs",
        "sqlite:///{tmp}/no/such/folder/impactbeurs.db",
    ],
    ids=["postgresql-closed-port", "sqlite-missing-folder"],
)
def test_unreachable_database_answers_503_json_within_a_second(tmp_path, url):
    app = app_with_database(tmp_path, url.format(port=closed_port(), tmp=tmp_path))
    response, seconds = timed_health(app)
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert seconds < 1.0


def test_database_that_never_answers_is_503_within_a_second(tmp_path):
    """A server that accepts the connection and then says nothing (a hung database): libpq
    would wait its whole connect timeout; the health check answers before."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever answers
        port = silent.getsockname()[1]
        app = app_with_database(tmp_path, f"postgresql+psycopg://postgres@127.0.0.1:{port}/x")
        response, seconds = timed_health(app)
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert seconds < 1.0
