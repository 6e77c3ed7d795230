"""Registration with a taken address and with a free one, timed through the real view.

Issue 11 asks that both take the same time (no account oracle): both paths hash the password
with the production argon2id cost, store one link in one commit and queue one mail. This prints
the median of each and their ratio (1.0 is the goal); tests count the equal work instead of
timing it. Uses a temporary SQLite database and the production argon2id settings. Prints only.

Run alone: ``.venv/bin/python -m bench.registration``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 15


def run() -> dict[str, float]:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from training import accounts, create_app
    from training.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "OUTBOX_DIR": f"{tmp}/outbox",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            accounts.create_user(
                "taken@bench.test", display_name="Taken", password="several quiet lanterns"
            )
            client = app.test_client()

            def register(email: str) -> float:
                data = {
                    "email": email,
                    "display_name": "Sam",
                    "full_name": "Sam Martin",
                    "password": "several unrelated words",
                    "confirm": "several unrelated words",
                    "language": "en",
                }
                start = time.perf_counter()
                response = client.post("/register", data=data)
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, response.status_code
                return elapsed

            taken, free = [], []
            for n in range(ROUNDS):  # interleaved, so load changes hit both alike
                taken.append(register("taken@bench.test"))
                free.append(register(f"free{n}@bench.test"))
            db.session.remove()
            db.engine.dispose()
    t, f = statistics.median(taken), statistics.median(free)
    print(f"   register, taken address: {t * 1000:7.1f} ms (median of {ROUNDS})")
    print(f"   register, free address:  {f * 1000:7.1f} ms (median of {ROUNDS})")
    print(f"   taken / free: {t / f:.2f} (1.00 = no timing difference)")
    return {"taken_ms": t * 1000, "free_ms": f * 1000, "ratio": t / f}


if __name__ == "__main__":
    run()
