"""Run a WSGI app on a free 127.0.0.1 port in a daemon thread, plus shared plumbing for fakes.

``FakeServer`` works with any WSGI callable::

    with FakeServer(app) as server:
        requests.get(server.url + "/ping")

``FakeService`` is the base class of ``FakeMollie`` / ``FakeStripe``: request log, injected
failures/delays (``fail_next``), Idempotency-Key replay, werkzeug routing and start/stop.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

__all__ = ["FakeServer", "FakeService", "RecordedRequest", "random_id"]

_ALNUM = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 14) -> str:
    return prefix + "".join(secrets.choice(_ALNUM) for _ in range(length))


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not print an access-log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class FakeServer:
    """Serve ``app`` on ``http://127.0.0.1:<free port>`` from a daemon thread."""

    def __init__(self, app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeServer is not running; call start() first")
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> FakeServer:
        if self._server is not None:
            return self
        server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeServer:{server.server_port}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()  # serve_forever() closes the socket on its way out
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class RecordedRequest:
    """One request as received by a fake (kept in ``fake.requests``)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    timestamp: float = field(default_factory=time.time)
    injected_failure: bool = False
    replayed: bool = False
    status: int | None = None

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class _Failure:
    remaining: int
    status: int | None
    delay_seconds: float
    method: str | None
    path: str | None
    body: Any

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        return not (self.path and not re.search(self.path, path))


class FakeService:
    """Base class: subclasses define ``url_map`` rules whose endpoints are method names."""

    service_name = "fake"
    api_prefixes: tuple[str, ...] = ("/v1/", "/v2/")
    default_base_url = "http://fake.invalid"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: FakeServer | None = None
        self._failures: list[_Failure] = []
        self._idempotency: dict[str, tuple[tuple[str, str, bytes], int, bytes, list]] = {}
        self._outbox: list[Callable[[], None]] = []
        self._background: list[threading.Thread] = []
        self.requests: list[RecordedRequest] = []
        self.url: str | None = None
        cls = type(self)
        if "_url_map" not in cls.__dict__:  # compiling a werkzeug Map is slow-ish: once per class
            cls._url_map = self.build_url_map()
        self.url_map: Map = cls._url_map

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> FakeService:
        if self._server is None:
            self._stopping.clear()
            self._server = FakeServer(self.wsgi_app).start()
            self.url = self._server.url
        return self

    def stop(self) -> None:
        self._stopping.set()  # wake up handlers sleeping in an injected delay
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self.url or self.default_base_url

    # ------------------------------------------------------------ test controls
    def fail_next(
        self,
        n: int = 1,
        status: int | None = None,
        delay_seconds: float = 0.0,
        *,
        method: str | None = None,
        path: str | None = None,
        body: Any = None,
    ) -> None:
        """Make the next ``n`` matching requests misbehave.

        * ``status`` (default 500 when no delay is given): answer with that HTTP status and a
          provider-shaped error body (or ``body``: dict → JSON, str/bytes → raw) *without*
          executing the request.
        * ``delay_seconds``: sleep before handling. Without ``status`` the request is then
          executed normally (simulates a slow provider / client read-timeout while the server
          still completes the work - useful for idempotency tests).
        * ``method`` / ``path`` (regex searched in the path) restrict which requests count.
        """
        if status is None and not delay_seconds:
            status = 500
        with self._lock:
            self._failures.append(_Failure(n, status, delay_seconds, method, path, body))

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_for(self, method: str | None = None, path: str | None = None) -> list:
        """Logged requests filtered by method and by regex ``path`` (searched)."""
        with self._lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path is None or re.search(path, r.path))
            ]

    # ---------------------------------------------------------- subclass hooks
    def build_url_map(self) -> Map:
        raise NotImplementedError

    def error_response(self, status: int, message: str, **extra: Any) -> Response:
        raise NotImplementedError

    def idempotency_mismatch_response(self) -> Response:
        raise NotImplementedError

    def authenticate(self, request: Request) -> Response | None:
        """Return an error Response to reject the request, None to accept."""
        return None

    def json_response(self, data: Any, status: int = 200, content_type: str = "application/json"):
        return Response(json.dumps(data), status=status, content_type=content_type)

    # ---------------------------------------------------------------- plumbing
    def _defer(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` after the state lock is released (used for outgoing webhooks)."""
        self._outbox.append(fn)

    def _flush(self, background: bool = False) -> None:
        """Run deferred work (webhook deliveries) outside the lock.

        Work triggered by API calls runs in a background thread, like a real provider that
        calls webhooks asynchronously (so an app waiting for the API response while holding a
        DB lock cannot deadlock with its own webhook handler). Work triggered by test-control
        methods or by the fake checkout pages runs synchronously, for deterministic tests.
        """
        with self._lock:
            todo, self._outbox = self._outbox, []
        if not todo:
            return
        if not background:
            for fn in todo:
                fn()
            return
        thread = threading.Thread(target=lambda: [fn() for fn in todo], daemon=True)
        self._background.append(thread)
        thread.start()

    def wait_for_webhooks(self, timeout: float = 5.0) -> None:
        """Block until webhook deliveries started by API calls have finished."""
        deadline = time.monotonic() + timeout
        for thread in list(self._background):
            thread.join(max(0.0, deadline - time.monotonic()))
        self._background = [t for t in self._background if t.is_alive()]

    def _take_failure(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.remaining > 0 and failure.matches(method, path):
                failure.remaining -= 1
                if failure.remaining == 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _failure_response(self, failure: _Failure) -> Response:
        assert failure.status is not None
        body = failure.body
        if body is None:
            return self.error_response(failure.status, f"Simulated failure by {self.service_name}")
        if isinstance(body, dict | list):
            return self.json_response(body, status=failure.status)
        if isinstance(body, str):
            body = body.encode()
        return Response(body, status=failure.status, content_type="text/plain")

    def wsgi_app(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data(cache=True)
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query={k: request.args.getlist(k) for k in request.args},
            headers=Headers(request.headers),
            body=body,
        )
        with self._lock:
            self.requests.append(record)
            failure = self._take_failure(request.method, request.path)
        if failure is not None and failure.delay_seconds:
            self._stopping.wait(failure.delay_seconds)
        if failure is not None and failure.status is not None:
            record.injected_failure = True
            response = self._failure_response(failure)
        else:
            with self._lock:
                response = self._handle(request, record)
            self._flush(background=request.path.startswith(self.api_prefixes))
        record.status = response.status_code
        return response(environ, start_response)

    def _handle(self, request: Request, record: RecordedRequest) -> Response:
        key = request.headers.get("Idempotency-Key")
        fingerprint = (request.method, request.path, record.body)
        use_key = bool(key) and request.method in ("POST", "PATCH", "DELETE")
        if use_key and key in self._idempotency:
            stored_fp, status, stored_body, headers = self._idempotency[key]
            if stored_fp != fingerprint:
                return self.idempotency_mismatch_response()
            record.replayed = True
            response = Response(stored_body, status=status, headers=headers)
            response.headers["Idempotent-Replayed"] = "true"
            return response
        response = self._dispatch(request)
        if use_key and 200 <= response.status_code < 300:
            self._idempotency[key] = (
                fingerprint,
                response.status_code,
                response.get_data(),
                list(response.headers.items()),
            )
        return response

    def _dispatch(self, request: Request) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, args = adapter.match()
        except NotFound:
            return self.not_found_route(request)
        except MethodNotAllowed:
            return self.method_not_allowed(request)
        except HTTPException as exc:  # e.g. redirects for trailing slashes
            return self.error_response(exc.code or 400, exc.description or "Bad request")
        if not endpoint.startswith("page_"):
            rejected = self.authenticate(request)
            if rejected is not None:
                return rejected
        return getattr(self, endpoint)(request, **args)

    def method_not_allowed(self, request: Request) -> Response:
        return self.error_response(405, "The requested method is not allowed")

    def not_found_route(self, request: Request) -> Response:
        return self.error_response(
            404, f"Unrecognized request URL ({request.method}: {request.path})"
        )
