"""Page throughput through gunicorn, as ratios of a bare Flask hello-world served the same way.

Budget (design.md): a logged-in module page ≥ 50 % of the hello-world's requests/s.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import tempfile
from http.cookies import SimpleCookie
from pathlib import Path

from bench.http_load import ROOT, gunicorn, measure

LEARNER = "lucas@passerelle.test"
COURSE = "cap-apm"
MODULE = "03-communication-basics"


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env={**env, "FLASK_APP": "app.py"},
        check=True,
        capture_output=True,
    )


def _login(port: int, email: str, password: str) -> str:
    """Log in over HTTP like a browser; returns the Cookie header to send."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = SimpleCookie(response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    body = f"csrf_token={token}&email={email}&password={password}"
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v.value}" for k, v in cookies.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"login failed: HTTP {response.status}")
    cookies.load(response.getheader("Set-Cookie") or "")
    connection.close()
    return "; ".join(f"{k}={v.value}" for k, v in cookies.items())


def run() -> dict[str, float]:
    import os

    from training.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": "false",
            "CONTENT_AUTO_RELOAD": "false",
            "OUTBOX_DIR": str(Path(tmp) / "outbox"),
        }
        _flask(env, "db", "upgrade")
        _flask(env, "demo")
        with gunicorn("bench.hello_app:app") as port:
            hello = measure(port, "/")
        with gunicorn("app:app", env) as port:
            home = measure(port, "/")
            cookie = _login(port, LEARNER, DEMO_PASSWORD)
            module = measure(port, f"/courses/{COURSE}/{MODULE}", {"Cookie": cookie})
    return {
        "hello_rps": hello,
        "home_rps": home,
        "home_ratio": home / hello,
        "module_rps": module,
        "module_ratio": module / hello,
    }


def report(results: dict[str, float]) -> list[str]:
    return [
        f"hello-world baseline        {results['hello_rps']:8.0f} req/s",
        f"home page (anonymous)       {results['home_rps']:8.0f} req/s   "
        f"ratio {results['home_ratio']:.2f}",
        f"module page (logged in)     {results['module_rps']:8.0f} req/s   "
        f"ratio {results['module_ratio']:.2f}  (budget >= 0.50)",
    ]


if __name__ == "__main__":
    print("\n".join(report(run())))
