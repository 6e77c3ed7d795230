"""Import a roster (``email,name`` rows) into a cohort: check the whole file, then write it all.

Parsing is pure and reports every bad row with its line number; the import itself runs only on
a file without problems, in one transaction, so a file is never half-imported. Nobody joins the
cohort by being imported: every row becomes a pending invitation (``cohorts.membership``) that
the learner accepts or declines, and the summary counts invitations the same way whether an
address had an account or not. New addresses get an account and a set-password link, existing
ones a mail about the invitation; the mails are stored in the same transaction (the outbox)
and handed to the task queue once it commits.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from cohorts.membership import invite, mail_invitation
from training import outbox
from training.accounts import normalise_email, send_token_mail
from training.email_check import email_validator_module
from training.extensions import db
from training.models import Cohort, TokenPurpose, User
from training.text_safety import MESSAGE as UNSAFE_NAME_MESSAGE
from training.text_safety import (
    clean_name,
    unprintable_characters,
    unprintable_message,
    unsafe_characters,
)

MAX_ROWS = 2000
HEADER_EMAIL = {"email", "e-mail", "mail", "courriel", "adresse e-mail", "adresse email"}
HEADER_NAME = {"name", "full name", "full_name", "nom", "nom complet", "prénom nom"}


@dataclass(frozen=True)
class RosterRow:
    line: int
    email: str
    name: str


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


@dataclass(frozen=True)
class ImportSummary:
    invited: list[str]  # new and existing accounts alike, in file order
    already_members: list[str]


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and cells[0].strip().lower() in HEADER_EMAIL | HEADER_NAME


def _valid_email(raw: str) -> str | None:
    email_validator = email_validator_module()
    try:
        info = email_validator.validate_email(raw, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return None
    return normalise_email(info.normalized)


def parse_roster(data: bytes) -> Roster:
    """Read a UTF-8 CSV (BOM or not, comma or semicolon, optional header) of email and name."""
    roster = Roster()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        roster.problems.append(
            RowProblem(line, _("The file is not UTF-8 text: save it as “CSV UTF-8” and retry."))
        )
        return roster
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    email_col, name_col = 0, 1
    seen: dict[str, int] = {}
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if first:
                first = False
                if _is_header(cells):
                    lowered = [c.lower() for c in cells]
                    email_col = next((i for i, c in enumerate(lowered) if c in HEADER_EMAIL), 0)
                    name_col = next((i for i, c in enumerate(lowered) if c in HEADER_NAME), 1)
                    continue
            if len(roster.rows) + len(roster.problems) >= MAX_ROWS:
                message = _("Too many rows: import at most %(n)d at a time.", n=MAX_ROWS)
                roster.problems.append(RowProblem(line, message))
                break
            problem = _check_row(cells, email_col, name_col, seen, line)
            if isinstance(problem, RowProblem):
                roster.problems.append(problem)
            else:
                roster.rows.append(problem)
    except csv.Error as exc:
        roster.problems.append(RowProblem(reader.line_num, _("Unreadable CSV: %(e)s", e=str(exc))))
    if not roster.rows and not roster.problems:
        roster.problems.append(RowProblem(1, _("The file has no rows to import.")))
    return roster


def one_row(email: str, name: str) -> bytes:
    """A one-line roster, so inviting one address takes exactly the CSV path."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([email.strip(), name.strip()])
    return buffer.getvalue().encode("utf-8")


def _check_row(
    cells: list[str], email_col: int, name_col: int, seen: dict[str, int], line: int
) -> RosterRow | RowProblem:
    width = max(email_col, name_col) + 1
    raw_email = cells[email_col] if len(cells) > email_col else ""
    name = " ".join(cells[name_col].split()) if len(cells) > name_col else ""
    if not raw_email:
        return RowProblem(line, _("The email address is missing."))
    if not name:
        return RowProblem(line, _("The name is missing."))
    if any(cells[width:]):
        return RowProblem(line, _("Too many columns: expected an email and a name."))
    email = _valid_email(raw_email)
    if email is None or len(email) > 254:
        return RowProblem(line, _("“%(email)s” is not a valid email address.", email=raw_email))
    if len(name) > 160:
        return RowProblem(line, _("The name is longer than 160 characters."))
    if unsafe_characters(name):
        return RowProblem(line, str(UNSAFE_NAME_MESSAGE))
    if unprintable_characters(name):
        return RowProblem(line, unprintable_message(unprintable_characters(name)))
    if email in seen:
        return RowProblem(
            line, _("%(email)s already appears on line %(line)d.", email=email, line=seen[email])
        )
    seen[email] = line
    return RosterRow(line=line, email=email, name=clean_name(name))


def import_roster(
    cohort: Cohort, roster: Roster, language: str = "en", *, trainer: User | None = None
) -> ImportSummary:
    """Create the missing accounts and invite every row to the cohort, in one transaction;
    then mail new accounts a set-password link and existing ones their invitation."""
    if not roster.ok:
        raise ValueError("import_roster needs a roster without problems")
    emails = [row.email for row in roster.rows]
    existing = {
        user.email: user
        for user in db.session.execute(select(User).where(User.email.in_(emails))).scalars()
    }
    created: list[User] = []
    to_tell: list[User] = []
    invited: list[str] = []
    already: list[str] = []
    try:
        for row in roster.rows:
            user = existing.get(row.email)
            if user is None:
                user = User(
                    email=row.email,
                    display_name=row.name[:80],
                    full_name=row.name,
                    password_hash=None,
                    role="learner",
                    language=language,
                    email_verified_at=None,
                )
                db.session.add(user)
                db.session.flush()
                created.append(user)
            result = invite(cohort, user, trainer)
            if result is None:
                already.append(user.email)
                continue
            invited.append(user.email)
            if result.new and user not in created:
                to_tell.append(user)
        # The mails join the import's transaction (one commit for the whole file, not four a
        # row); their delivery is enqueued once it commits.
        for user in created:
            send_token_mail(user, TokenPurpose.INVITE, commit=False)
        for user in to_tell:
            mail_invitation(user, cohort, commit=False)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    outbox.deliver_committed()
    return ImportSummary(invited=invited, already_members=already)
