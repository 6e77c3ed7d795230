"""Outgoing mail: composed in the request, stored in the outbox, sent by the task queue.

:func:`send_mail` is what features call: it renders the text and HTML parts in the current
locale, stores one :class:`training.outbox.OutboxMessage` (one commit) and enqueues its
delivery; no SMTP server is contacted inside a web request. :func:`transmit` is what the worker
calls: SMTP when ``SMTP_HOST`` is set, otherwise a ``.eml`` file in ``OUTBOX_DIR`` and the log.

Headers are built with :mod:`email.headerregistry` under ``email.policy.SMTP``: display names
become RFC 2047 encoded words, non-ASCII domains are sent as IDNA (punycode), and a non-ASCII
local part (``élodie.martin@…``) is sent raw with SMTPUTF8, which ``smtplib.send_message``
negotiates when the server offers it (and refuses cleanly when it does not: the message goes to
the dead-letter state with that reason).
"""

from __future__ import annotations

import logging
import re
import smtplib
import uuid
from datetime import UTC
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup, escape

from training.timeutil import utcnow

if TYPE_CHECKING:
    from training.models import User
    from training.outbox import OutboxMessage

log = logging.getLogger("passerelle.mail")
_URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_html(text: str) -> Markup:
    """Paragraphs (blank-line separated) with their links made clickable, all escaped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        pieces, last = [], 0
        for match in _URL.finditer(block):
            pieces.append(escape(block[last : match.start()]))
            url = match.group(0)
            pieces.append(Markup('<a href="{0}">{0}</a>').format(url))
            last = match.end()
        pieces.append(escape(block[last:]))
        paragraphs.append(Markup("<p>{}</p>").format(Markup("").join(pieces)))
    return Markup("\n").join(paragraphs).replace("\n", Markup("<br>\n"))


def _footer(unsubscribe_url: str | None, preferences_url: str | None) -> str:
    from flask_babel import gettext as _

    lines = []
    if unsubscribe_url:
        lines.append(_("Stop these mails with one click: %(url)s", url=unsubscribe_url))
    if preferences_url:
        lines.append(_("Choose which mails you get: %(url)s", url=preferences_url))
    return "\n".join(lines)


def compose(
    subject: str,
    body: str,
    *,
    unsubscribe_url: str | None = None,
    preferences_url: str | None = None,
) -> tuple[str, str]:
    """The text and HTML parts of a mail, in the current locale."""
    footer = _footer(unsubscribe_url, preferences_url)
    text = body.rstrip() + ("\n\n-- \n" + footer if footer else "") + "\n"
    # The app's Jinja environment without request context processors: mails are also composed
    # by workers and the CLI, outside any request.
    html = current_app.jinja_env.get_template("mail/message.html").render(
        subject=subject,
        body=text_to_html(body),
        footer=text_to_html(footer) if footer else "",
        language=str(get_locale() or "en"),
    )
    return text, html


def send_mail(
    to: User | str,
    subject: str,
    body: str,
    *,
    kind: str = "account",
    key: str | None = None,
    unsubscribe_url: str | None = None,
    preferences_url: str | None = None,
    commit: bool = True,
) -> OutboxMessage | None:
    """Queue a mail (text + HTML) to a user or an address; None if ``key`` was already queued.

    ``key`` is the idempotency key: two callers queuing the same key (two workers running the
    same reminder) store one message. Without one, every call is a new message. With
    ``commit=False`` (no ``key``), the mail joins the caller's transaction: see ``outbox.add``.
    """
    if not commit and key is not None:
        raise ValueError("a mail with an idempotency key commits on its own")
    from training import outbox

    text, html = compose(
        subject, body, unsubscribe_url=unsubscribe_url, preferences_url=preferences_url
    )
    headers: dict[str, str] = {"Content-Language": str(get_locale() or "en")}
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        headers["Auto-Submitted"] = "auto-generated"
    user = None if isinstance(to, str) else to
    return outbox.add(
        commit=commit,
        key=key or f"{kind}:{uuid.uuid4().hex}",
        kind=kind,
        user_id=user.id if user is not None else None,
        to_address=to if isinstance(to, str) else to.email,
        to_name=user.full_name or user.display_name if user is not None else "",
        subject=subject,
        text_body=text,
        html_body=html,
        headers=headers,
    )


def _address(name: str, addr: str) -> Address | str:
    local, _sep, domain = addr.rpartition("@")
    if not domain.isascii():
        domain = domain.encode("idna").decode("ascii")
    if local.isascii():
        return Address(display_name=name, username=local, domain=domain)
    # A non-ASCII local part (RFC 6531): headerregistry refuses to build it, but parses it;
    # it is only ever serialised raw under SMTPUTF8.
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{local}@{domain}>' if name else f"{local}@{domain}"


def build_message(message: OutboxMessage, config: dict[str, Any]) -> EmailMessage:
    sender_name, sender_addr = parseaddr(config["MAIL_SENDER"])
    mail = EmailMessage(policy=SMTP)
    mail["From"] = _address(sender_name, sender_addr)
    mail["To"] = _address(message.to_name or "", message.to_address)
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.created_at.replace(tzinfo=UTC))
    mail["Message-ID"] = make_msgid(
        idstring=f"outbox{message.id}", domain=sender_addr.rpartition("@")[2] or None
    )
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    for name, value in (message.headers or {}).items():  # after: set_content drops Content-*
        mail[name] = value
    return mail


def needs_smtputf8(mail: EmailMessage) -> bool:
    return not all(str(mail[h] or "").isascii() for h in ("From", "To"))


def transmit(mail: EmailMessage, config: dict[str, Any]) -> None:
    """Send one message now (SMTP), or write it to ``OUTBOX_DIR`` when no server is set.

    Raises :class:`smtplib.SMTPException` or :class:`OSError` when the server refuses or cannot
    be reached; the outbox decides whether to retry.
    """
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            smtp.ehlo()
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
                smtp.ehlo()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            # send_message adds SMTPUTF8 (and serialises raw UTF-8) when an address needs it
            # and the server offers it, and raises SMTPNotSupportedError otherwise.
            smtp.send_message(mail)
        return
    outbox = Path(config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    policy = SMTPUTF8 if needs_smtputf8(mail) else SMTP
    (outbox / name).write_bytes(mail.as_bytes(policy=policy))
    log.info("Mail to %s (%s) written to %s", mail["To"], mail["Subject"], outbox / name)
