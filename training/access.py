"""Access rules as view decorators (CTFd style): who may open a page is visible at the route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Logged-in users whose role is one of ``roles``; others get 403 (anonymous: login)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


learner_required = login_required  # every role can learn
trainer_required = role_required("trainer", "admin")
admin_required = role_required("admin")
