"""Shared benchmark plumbing: serve the app with gunicorn on a free port and time requests.

Each benchmark prints its figures beside /ping (a trivial endpoint served the same way), which is
the ceiling of what this machine and server can do; compare against that, not absolute numbers.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 2, threads: int = 1, extra_env: dict | None = None):
    """Serve wsgi:app with gunicorn against `database_url`; yields the base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret",
        "RATELIMIT_ENABLED": "false",
        **(extra_env or {}),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(workers),
        "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "wsgi:app",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/ping", timeout=5).ok:
                    break
            except requests.RequestException:  # not listening yet, or busy starting up
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def time_requests(
    url: str, count: int = 200, warmup: int = 20, session: requests.Session | None = None, **kwargs
) -> dict:
    """Sequential GETs; returns median, p95 and mean in milliseconds (after a warm-up)."""
    return time_interleaved({url: {"url": url, "session": session, **kwargs}}, count, warmup)[url]


def time_interleaved(targets: dict[str, dict], count: int = 200, warmup: int = 20) -> dict:
    """Sequential GETs taking turns over `targets` (name -> url, session and requests options),
    so a slow spell of a shared machine hits every endpoint alike; figures per name as above."""
    calls = []
    for name, options in targets.items():
        options = dict(options)
        url, session = options.pop("url"), options.pop("session", None) or requests.Session()
        calls.append((name, url, session, options))
    for _ in range(warmup):
        for _name, url, session, options in calls:
            session.get(url, timeout=30, **options).raise_for_status()
    samples: dict[str, list[float]] = {name: [] for name, *_rest in calls}
    for _ in range(count):
        for name, url, session, options in calls:
            start = time.perf_counter()
            response = session.get(url, timeout=30, **options)
            samples[name].append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
    return {name: _figures(values) for name, values in samples.items()}


def _figures(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95) - 1],
        "mean_ms": statistics.fmean(samples),
        "count": len(samples),
    }


def print_rows(title: str, rows: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<40} {'median ms':>10} {'p95 ms':>10} {'n':>6}")
    for name, figures in rows.items():
        print(
            f"{name:<40} {figures['median_ms']:>10.1f} {figures['p95_ms']:>10.1f} "
            f"{figures['count']:>6}"
        )
