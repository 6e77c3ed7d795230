"""Entry point: `flask` (and gunicorn: `app:app`) find the application here."""

from training import create_app

app = create_app()
