"""Scale-out, shown: two gunicorn servers on one PostgreSQL and one Redis behind a round-robin
client, against one server, on the logged-in module page; sessions and rate limits checked
across the servers.

Budget (issue 19, item 5): two servers ≥ 1.7 × one server's requests/s, with no error.

How: the demo data on the PostgreSQL of ``BENCH_POSTGRES_URL``, rate limits in the Redis of
``BENCH_REDIS_URL`` (both required; the suite says it skips otherwise). Each server runs
``BENCH_SCALE_WORKERS`` sync workers (default 1: two one-worker servers need two cores, which is
all this kind of machine has; with more workers per server, one server alone already fills
the cores). ``BENCH_ROUNDS`` (default 5) rounds alternate "one server" and "two servers,
round robin"; the same session cookie (logged in on server A) is sent to both servers. The
ratio is the median of the rounds' ratios. The client is :mod:`bench.event_load` (one thread,
epoll, about 0.14 ms of CPU per request against 0.36 ms for the threaded ``http.client`` one):
on two cores, what the client spends is taken from the second server. Then:

- **sessions**: a login on A opens the module page on B (the cookie is signed with the shared
  secret and the user is read from the shared database); after logging out on B, the old
  cookie is tried on A (it is refused once sessions end on the server, issue 11);
- **rate limits**: wrong-password logins (each for a different address, so the per-account
  backoff stays out of it) alternate between A and B; the per-client limit
  (``LOGIN_RATE_LIMIT``, 10 per minute) must be reached after exactly 10 of them in all, because
  both servers count in the same Redis.

The load generator runs on the same cores as the servers: on a 2-core machine two servers
cannot reach twice one server's throughput, and the report says how busy the cores were and
what the client cost per request.
Prints only; never asserts. Run alone: ``.venv/bin/python -m bench.scaleout``.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import event_load, pages, seed
from bench.http_load import LoadResult, login, serve

REDIS_URL_ENV = "BENCH_REDIS_URL"
WORKERS_PER_SERVER = int(os.environ.get("BENCH_SCALE_WORKERS", "1"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
LOGIN_LIMIT = 10


def _redis_url() -> str | None:
    url = os.environ.get(REDIS_URL_ENV)
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def _clear_limits(url: str) -> None:
    """Forget earlier login counts (the benchmark's Redis database is its own)."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter("LIMITS:*"):
        client.delete(key)


def _request(
    port: int, method: str, path: str, cookie: str, body: str = ""
) -> tuple[int, str, str]:
    """(status, body, the first cookie set as ``name=value``)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    set_cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    connection.close()
    return response.status, text, set_cookie


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def check_sessions(a: int, b: int) -> dict[str, Any]:
    from training.demo import DEMO_PASSWORD

    cookie = login(a, pages.LEARNER, DEMO_PASSWORD)
    status_b, page_b, _ = _request(b, "GET", pages.MODULE_PATH, cookie)
    opened_on_b = status_b == 200
    token = _token(page_b) if opened_on_b else ""
    status_out = _request(b, "POST", "/logout", cookie, urlencode({"csrf_token": token}))[0]
    status_a = _request(a, "GET", pages.MODULE_PATH, cookie)[0]
    return {
        "login_a_opens_b": opened_on_b,
        "logout_on_b": status_out in (302, 303),
        "old_cookie_refused_on_a": status_a != 200,
    }


def check_rate_limit(a: int, b: int) -> dict[str, Any]:
    _status, page, cookie = _request(a, "GET", "/login", "")
    token = _token(page)
    statuses = []
    for n in range(LOGIN_LIMIT + 2):
        port = (a, b)[n % 2]
        # A new address each time: the per-account backoff (in the database) stays out of it,
        # and only the per-client limit, counted in Redis, can refuse.
        body = urlencode(
            {"csrf_token": token, "email": f"nobody{n}@bench.test", "password": "wrong pass 123"}
        )
        statuses.append(_request(port, "POST", "/login", cookie, body)[0])
    first_429 = statuses.index(429) + 1 if 429 in statuses else None
    return {"statuses": statuses, "first_429": first_429, "shared": first_429 == LOGIN_LIMIT + 1}


def _cpu_busy(before: list[float], after: list[float]) -> float:
    """Share of all cores busy between two /proc/stat readings."""
    idle = (after[3] + after[4]) - (before[3] + before[4])
    total = sum(after) - sum(before)
    return 1 - idle / total if total else float("nan")


def _proc_stat() -> list[float]:
    return [float(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:8]]


def run() -> dict[str, Any]:
    from training.demo import DEMO_PASSWORD

    pg = seed.postgres_url()
    redis_url = _redis_url()
    if not pg or not redis_url:
        return {"skipped": f"needs BENCH_POSTGRES_URL and {REDIS_URL_ENV} (both reachable)"}
    with tempfile.TemporaryDirectory() as tmp:
        env = pages.prepare(pg, Path(tmp))
        env.update({"REDIS_URL": redis_url, "RATELIMIT_ENABLED": "true"})
        _clear_limits(redis_url)
        samples: dict[str, list[LoadResult]] = {"one": [], "two": []}
        busy: dict[str, list[float]] = {"one": [], "two": []}
        client_ms: dict[str, list[float]] = {"one": [], "two": []}
        with (
            serve("app:app", env, workers=WORKERS_PER_SERVER) as a,
            serve("app:app", env, workers=WORKERS_PER_SERVER) as b,
        ):
            cookie = login(a.port, pages.LEARNER, DEMO_PASSWORD)
            headers = {"Cookie": cookie}
            for round_number in range(ROUNDS):
                order = ("one", "two") if round_number % 2 == 0 else ("two", "one")
                for mode in order:
                    servers = [a] if mode == "one" else [a, b]
                    before = _proc_stat()
                    result, client_cost = event_load.load(servers, pages.MODULE_PATH, headers)
                    samples[mode].append(result)
                    client_ms[mode].append(client_cost)
                    busy[mode].append(_cpu_busy(before, _proc_stat()))
            sessions = check_sessions(a.port, b.port)
            time.sleep(0.1)
            _clear_limits(redis_url)
            limits = check_rate_limit(a.port, b.port)
    one = statistics.median(r.requests_per_s for r in samples["one"])
    two = statistics.median(r.requests_per_s for r in samples["two"])
    # Each round's two measurements are next to each other in time, so their ratio is what
    # the machine's drifting speed disturbs least; the suite reports the median of those.
    ratios = [t.requests_per_s / o.requests_per_s for o, t in zip(*samples.values(), strict=True)]
    # What two servers would reach with every core busy at the same CPU per request: the most
    # this machine allows, so "under" can be told apart from "out of cores".
    ceilings = [ratio / b for ratio, b in zip(ratios, busy["two"], strict=True)]
    return {
        "one_rps": one,
        "two_rps": two,
        "ratio": statistics.median(ratios),
        "ratio_spread": (min(ratios), max(ratios)),
        "ceiling": statistics.median(ceilings),
        "errors": sum(len(r.errors) for v in samples.values() for r in v),
        "first_error": next((r.errors[0] for v in samples.values() for r in v if r.errors), ""),
        "per_server": [r.per_server for r in samples["two"]],
        "busy_one": statistics.median(busy["one"]),
        "busy_two": statistics.median(busy["two"]),
        "cpu_ms_one": statistics.median(r.cpu_ms_per_request for r in samples["one"]),
        "cpu_ms_two": statistics.median(r.cpu_ms_per_request for r in samples["two"]),
        "client_ms_one": statistics.median(client_ms["one"]),
        "client_ms_two": statistics.median(client_ms["two"]),
        "sessions": sessions,
        "limits": limits,
        "cores": os.cpu_count(),
    }


def report(r: dict[str, Any]) -> list[str]:
    if "skipped" in r:
        return [f"skipped: {r['skipped']}"]
    low, high = r["ratio_spread"]
    s, limits = r["sessions"], r["limits"]
    consistent = all(s.values()) and limits["shared"]
    ok = "within" if r["ratio"] >= 1.7 and not r["errors"] and consistent else "UNDER"

    def yes(flag: bool) -> str:
        return "yes" if flag else "NO"

    return [
        f"PostgreSQL + Redis, {WORKERS_PER_SERVER} sync worker(s) per server, module page,"
        f" median of {ROUNDS} alternating rounds, {r['cores']} cores; the client: one thread,"
        " epoll (bench/event_load.py)",
        f"  one server                {r['one_rps']:7.0f} req/s   machine busy"
        f" {r['busy_one']:.0%}   server CPU {r['cpu_ms_one']:.1f} ms/request, each worker"
        f" got {r['one_rps'] * r['cpu_ms_one'] / 1000 / WORKERS_PER_SERVER:.0%} of a core; client"
        f" {r['client_ms_one']:.2f} ms/request",
        f"  two servers, round robin  {r['two_rps']:7.0f} req/s   machine busy"
        f" {r['busy_two']:.0%}   server CPU {r['cpu_ms_two']:.1f} ms/request, each worker"
        f" got {r['two_rps'] * r['cpu_ms_two'] / 2000 / WORKERS_PER_SERVER:.0%} of a core; client"
        f" {r['client_ms_two']:.2f} ms/request",
        f"  ratio {r['ratio']:.2f} (median of the rounds' ratios; spread {low:.2f}–{high:.2f};"
        " budget ≥ 1.7 with no error, sessions and limits consistent:"
        f" {ok}); errors {r['errors']}{' — ' + r['first_error'] if r['errors'] else ''};"
        f" requests per server {r['per_server'][0]}",
        f"  sessions: login on A opens the page on B: {yes(s['login_a_opens_b'])};"
        f" logout on B: {yes(s['logout_on_b'])}; old cookie refused on A afterwards:"
        f" {yes(s['old_cookie_refused_on_a'])}",
        f"  rate limit shared through Redis: 429 at login attempt {limits['first_429']}"
        f" of {len(limits['statuses'])} alternating A/B (expected {LOGIN_LIMIT + 1}):"
        f" {yes(limits['shared'])}",
        "  limit: the load generator and both servers share the machine's cores; two servers"
        " can only scale while idle cores remain. With every core busy at the CPU per request"
        f" measured, two servers would reach {r['ceiling']:.2f}× one server on this machine"
        " (median of the rounds' ratio ÷ share of the cores busy).",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
