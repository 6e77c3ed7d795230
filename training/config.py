"""Configuration read from the environment (twelve-factor style).

Every setting has a safe development default so `make run` works on a fresh machine; production
sets SECRET_KEY, DATABASE_URL, REDIS_URL and SESSION_COOKIE_SECURE through the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Defaults for every setting; each can be overridden by an environment variable."""

    def __init__(self, instance_path: str) -> None:
        env = os.environ.get
        self.SECRET_KEY = env("SECRET_KEY", "dev-only-change-me")
        self.SQLALCHEMY_DATABASE_URI = env(
            "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'passerelle.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {}
        # A pooled connection idle this long is pinged before use (training/db_ping.py).
        self.DATABASE_PING_AFTER_SECONDS = _int("DATABASE_PING_AFTER_SECONDS", 10)
        self.COURSES_DIR = env("COURSES_DIR", str(ROOT_DIR / "content"))
        self.BASE_URL = env("BASE_URL", "http://127.0.0.1:5000")
        self.ORGANISATION_NAME = env("ORGANISATION_NAME", "Passerelle training centre")
        self.ORGANISATION_LOGO = env("ORGANISATION_LOGO", "img/logo.svg")
        self.CERTIFICATE_PDFA = _bool("CERTIFICATE_PDFA", True)
        # The issuer's Ed25519 signing keys (a 0600 file, never in the database or the repo):
        # `flask credentials keygen` creates it, `make run` does so on first start.
        self.CREDENTIAL_KEY_FILE = env(
            "CREDENTIAL_KEY_FILE", str(Path(instance_path) / "credential-keys.json")
        )
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
        self.REDIS_URL = env("REDIS_URL")
        self.RATELIMIT_STORAGE_URI = env("REDIS_URL", "memory://")
        self.RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_HEADERS_ENABLED = True
        # Reverse proxies / load balancers in front of the app (see training.security).
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.LOGIN_RATE_LIMIT = env("LOGIN_RATE_LIMIT", "10 per minute")
        self.VERIFY_RATE_LIMIT = env("VERIFY_RATE_LIMIT", "60 per minute")
        # Mails to one address (register, reset, confirmation resend together), per address.
        self.ADDRESS_MAIL_RATE_LIMIT = env("ADDRESS_MAIL_RATE_LIMIT", "5 per hour")
        # Per-account backoff on failed logins (training.login_throttle).
        self.LOGIN_BACKOFF_FREE = _int("LOGIN_BACKOFF_FREE", 5)
        self.LOGIN_BACKOFF_MAX_SECONDS = _int("LOGIN_BACKOFF_MAX_SECONDS", 300)
        self.LOGIN_BACKOFF_WINDOW_MINUTES = _int("LOGIN_BACKOFF_WINDOW_MINUTES", 60)
        # argon2id cost (argon2-cffi's RFC 9106 low-memory profile by default).
        self.ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 3)
        self.ARGON2_MEMORY_KIB = _int("ARGON2_MEMORY_KIB", 65536)
        self.ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 4)
        self.PASSWORD_RESET_HOURS = _int("PASSWORD_RESET_HOURS", 2)
        self.INVITE_DAYS = _int("INVITE_DAYS", 14)
        self.MAIL_SENDER = env("MAIL_SENDER", "Passerelle <no-reply@passerelle.invalid>")
        self.SMTP_HOST = env("SMTP_HOST")
        self.SMTP_PORT = _int("SMTP_PORT", 587)
        self.SMTP_USER = env("SMTP_USER")
        self.SMTP_PASSWORD = env("SMTP_PASSWORD")
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
        self.OUTBOX_DIR = env("OUTBOX_DIR", str(Path(instance_path) / "outbox"))
        # Mail delivery (training.outbox): attempts before the dead-letter state, first backoff.
        self.MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)
        self.MAIL_RETRY_SECONDS = _int("MAIL_RETRY_SECONDS", 60)
        # The task queue (training.queue): Redis when REDIS_URL is set, else this SQLite file;
        # immediate mode runs every task in the caller (tests).
        # Reminders (notifications.reminders): days before a cohort's end date to warn learners.
        self.DEADLINE_NOTICE_DAYS = _int("DEADLINE_NOTICE_DAYS", 7)
        # Quiz statistics (quizzes.statistics): fewer responses than this are flagged.
        self.QUIZ_STATS_MIN_SAMPLE = _int("QUIZ_STATS_MIN_SAMPLE", 10)
        self.TASK_QUEUE_IMMEDIATE = _bool("TASK_QUEUE_IMMEDIATE", False)
        self.TASK_QUEUE_NAME = env("TASK_QUEUE_NAME", "passerelle")
        self.TASK_QUEUE_FILE = env("TASK_QUEUE_FILE", str(Path(instance_path) / "tasks.sqlite3"))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        # Server-side sessions (training.sessions): idle and absolute lifetimes, remember-me.
        self.SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
        self.SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
        self.REMEMBER_DAYS = _int("REMEMBER_DAYS", 30)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.WTF_CSRF_TIME_LIMIT = None  # a long quiz must not lose its token
        self.BABEL_DEFAULT_LOCALE = "en"
        self.LANGUAGES = ("en", "fr")
        # Times are stored in UTC and shown in the organisation's zone (training.dates).
        self.BABEL_DEFAULT_TIMEZONE = env("TIMEZONE", "Europe/Paris")
        self.QUIZ_GRACE_SECONDS = _int("QUIZ_GRACE_SECONDS", 60)
        self.AT_RISK_DAYS = _int("AT_RISK_DAYS", 14)
        self.CONTENT_AUTO_RELOAD = _bool("CONTENT_AUTO_RELOAD", True)
        # Loaded courses kept on disk per content and code version (courses/content_cache.py),
        # so a new worker starts without rendering every module again; "" turns it off.
        self.CONTENT_CACHE_DIR = env(
            "CONTENT_CACHE_DIR", str(Path(instance_path) / "content-cache")
        )
        # Rendered pages kept per content version, locale and role, with the CSRF token filled
        # in per request (training/page_cache.py); off whenever templates reload from disk.
        self.PAGE_CACHE = _bool("PAGE_CACHE", True)
        self.PAGE_CACHE_SIZE = _int("PAGE_CACHE_SIZE", 256)
        # What a French training organisation must prove (issue 15, package proof/).
        # Measured learning time: a gap between two requests counts up to this idle limit.
        self.LEARNING_IDLE_MINUTES = _int("LEARNING_IDLE_MINUTES", 10)
        self.LEARNING_PING_CAP_SECONDS = _int("LEARNING_PING_CAP_SECONDS", 120)
        # The declaration number (numéro de déclaration d'activité) printed on the certificat
        # de réalisation, and who signs it for the organisation.
        self.ORGANISATION_DECLARATION_NUMBER = env("ORGANISATION_DECLARATION_NUMBER", "")
        self.ORGANISATION_REPRESENTATIVE = env("ORGANISATION_REPRESENTATIVE", "")
        self.ORGANISATION_REPRESENTATIVE_TITLE = env(
            "ORGANISATION_REPRESENTATIVE_TITLE", "Responsable de l'organisme de formation"
        )
        self.ORGANISATION_CITY = env("ORGANISATION_CITY", "")
        # Retention periods in days (privacy.retention, docs/data-retention.md, `flask data
        # retention`). Learner accounts inactive this long are erased, after a warning mail
        # sent this many days before; staff accounts are never purged automatically.
        self.DATA_RETENTION_INACTIVE_DAYS = _int("DATA_RETENTION_INACTIVE_DAYS", 1095)
        self.DATA_RETENTION_INACTIVE_WARNING_DAYS = _int("DATA_RETENTION_INACTIVE_WARNING_DAYS", 30)
        # Learning events, the evidence of a funded action (`flask proof purge`): six years by
        # default. EVIDENCE_RETENTION_YEARS, the former setting, is still read as a fallback.
        self.DATA_RETENTION_EVIDENCE_DAYS = _int(
            "DATA_RETENTION_EVIDENCE_DAYS", round(365.25 * _int("EVIDENCE_RETENTION_YEARS", 6))
        )
        # Sessions, tokens, task markers and the audit log (certificate events are kept for good,
        # events naming a course as long as the evidence).
        self.DATA_RETENTION_LOG_DAYS = _int("DATA_RETENTION_LOG_DAYS", 365)
        # Sent and dead-lettered mails in the outbox.
        self.DATA_RETENTION_OUTBOX_DAYS = _int("DATA_RETENTION_OUTBOX_DAYS", 90)
        # Personal data (issue 21, package privacy/). The controller named by the privacy
        # notice (/privacy), and the notice's version recorded when an account is created.
        self.PRIVACY_CONTROLLER_NAME = env("PRIVACY_CONTROLLER_NAME", self.ORGANISATION_NAME)
        self.PRIVACY_CONTROLLER_ADDRESS = env(
            "PRIVACY_CONTROLLER_ADDRESS", "1 rue de l'Exemple, 75000 Paris, France"
        )
        self.PRIVACY_CONTACT_EMAIL = env("PRIVACY_CONTACT_EMAIL", "privacy@passerelle.invalid")
        self.PRIVACY_DPO = env("PRIVACY_DPO", "")  # the data protection officer, if any
        self.PRIVACY_NOTICE_VERSION = env("PRIVACY_NOTICE_VERSION", "2026-12-01")
        # Days between asking to delete an account and its erasure (the notice prints it).
        self.ERASURE_GRACE_DAYS = _int("ERASURE_GRACE_DAYS", 14)
        # "Download my data": the mailed link works once, for the owner, this many days.
        self.DATA_EXPORT_LINK_DAYS = _int("DATA_EXPORT_LINK_DAYS", 7)
        self.DATA_EXPORT_DAILY_LIMIT = _int("DATA_EXPORT_DAILY_LIMIT", 3)
        # How long the erasure confirmation link (privacy.erasure) works, in hours.
        self.ERASURE_LINK_HOURS = _int("ERASURE_LINK_HOURS", 48)

    def as_dict(self) -> dict[str, object]:
        return dict(vars(self))
