"""Security headers on every response (ASVS level 2 baseline), and the proxies we trust.

- ``Cache-Control: no-store`` on every response to a signed-in user (their pages, downloads and
  exports hold personal data a shared computer or a proxy must not keep). Only the app's own
  static files (CSS, JavaScript, fonts: the same bytes for everybody) keep their caching.
- ``TRUSTED_PROXIES`` (a count, default 0): how many reverse proxies or load balancers stand in
  front of the app. With N > 0, Werkzeug's ``ProxyFix`` takes the client address, scheme, host
  and port from the last N ``X-Forwarded-*`` values those proxies appended, so rate limits key
  on the real client. With 0 those headers are ignored (a client cannot forge its address).
"""

from __future__ import annotations

from flask import Flask, Response, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static" and _signed_in():
        headers["Cache-Control"] = "no-store"
    return response


def _signed_in() -> bool:
    """Signed in, or carrying what signs in (read without loading the user, so no query and no
    remember-me rotation happens this late in the request)."""
    from training.sessions import REMEMBER_COOKIE

    return "_user_id" in session or REMEMBER_COOKIE in request.cookies


def trust_proxies(app: Flask) -> None:
    """Wrap the WSGI app in ProxyFix for ``TRUSTED_PROXIES`` hops (nothing when 0)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
    trust_proxies(app)
