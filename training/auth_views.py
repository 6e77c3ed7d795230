"""Account pages: register, confirm, log in/out, profile, change/reset password, language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from training import accounts, sessions
from training.accounts import normalise_email
from training.extensions import limiter
from training.forms import (
    ChangePasswordForm,
    EmptyForm,
    EndSessionsForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    SetPasswordForm,
)
from training.models import TokenPurpose

bp = Blueprint("auth", __name__)


def safe_next(target: str | None, default: str = "main.index") -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for(default)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["ADDRESS_MAIL_RATE_LIMIT"]


def _submitted_address() -> str:
    """The limiter key of mails to one address (whether or not it has an account)."""
    return "address:" + normalise_email(request.form.get("email", ""))[:254]


#: Every page that mails an address shares one budget per address: no one can flood a mailbox
#: by alternating registration, reset and confirmation requests.
address_limit = limiter.shared_limit(
    _address_limit, scope="mail-to-address", key_func=_submitted_address, methods=["POST"]
)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@address_limit
def register() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = session.get("language") or (
            request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
        )
    if form.validate_on_submit():
        try:
            accounts.register(
                form.email.data,
                form.display_name.data,
                form.full_name.data,
                form.password.data,
                form.language.data,
                notice_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            )
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            return render_template("auth/check_inbox.html", email=form.email.data)
    return render_template("auth/register.html", form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> str | Response:
    """GET shows a button; the POST confirms (no state change on GET, mail scanners click links)."""
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            user = accounts.confirm_email(token)
        except accounts.AccountError as exc:
            flash(str(exc), "error")
            return redirect(url_for("auth.login"))
        sessions.begin(user)
        flash(_("Your address is confirmed. Welcome!"), "success")
        return redirect(url_for("main.index"))
    valid = accounts.token_is_valid(token, TokenPurpose.VERIFY)
    return render_template("auth/confirm.html", form=form, valid=valid)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except accounts.LoginThrottled as exc:
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 429  # type: ignore[return-value]
        if user is None:
            flash(_("Invalid email or password."), "error")
        elif user.email_verified_at is None:
            accounts.send_token_mail(user, TokenPurpose.VERIFY)
            flash(_("Please confirm your address first: we have sent you a new link."), "warning")
        else:
            sessions.begin(user, remember=bool(form.remember.data))
            # Trainers and admins land on their cohorts; learners on their dashboard.
            landing = "cohorts.index" if user.is_trainer else "main.index"
            return redirect(safe_next(form.next.data, landing))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    sessions.logout()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@address_limit
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html")
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/confirm/resend", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@address_limit
def resend_confirmation() -> str | Response:
    """A new confirmation link; the same answer whether or not the address has an account."""
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        accounts.resend_confirmation(form.email.data)
        return render_template("auth/check_inbox.html", email=form.email.data)
    return render_template("auth/resend_confirmation.html", form=form)


def _set_password_page(token: str, purpose: str, template: str) -> str | Response:
    if not accounts.token_is_valid(token, purpose):
        return render_template("auth/link_invalid.html"), 400  # type: ignore[return-value]
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_token_to_set_password(token, purpose, form.password.data)
        except accounts.AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            sessions.begin(user)
            flash(_("Your password is set. You are logged in."), "success")
            return redirect(url_for("main.index"))
    return render_template(template, form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    return _set_password_page(token, TokenPurpose.RESET, "auth/reset_password.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> str | Response:
    return _set_password_page(token, TokenPurpose.INVITE, "auth/accept_invite.html")


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> str | Response:
    profile = ProfileForm(prefix="profile", obj=current_user)
    password = ChangePasswordForm(prefix="password")
    others = EndSessionsForm(prefix="others")
    if request.method == "POST" and "profile-display_name" in request.form:
        if profile.validate_on_submit():
            try:
                accounts.update_profile(
                    current_user, profile.display_name.data, profile.full_name.data
                )
            except accounts.AccountError as exc:
                profile.full_name.errors.append(str(exc))
            else:
                flash(_("Your profile is saved."), "success")
                return redirect(url_for("auth.account"))
    elif request.method == "POST" and "others-current_password" in request.form:
        if others.validate_on_submit():
            try:
                ended = accounts.end_other_sessions(current_user, others.current_password.data)
            except accounts.AccountError as exc:
                others.current_password.errors.append(str(exc))
            else:
                flash(
                    ngettext(
                        "%(num)d other session is logged out.",
                        "%(num)d other sessions are logged out.",
                        ended,
                    ),
                    "success",
                )
                return redirect(url_for("auth.account"))
    elif request.method == "POST" and password.validate_on_submit():
        try:
            accounts.change_password(
                current_user, password.current_password.data, password.password.data
            )
        except accounts.AccountError as exc:
            password.current_password.errors.append(str(exc))
        else:
            flash(_("Your password is changed. Your other sessions are logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        profile=profile,
        password=password,
        others=others,
        live_sessions=sessions.live_sessions(current_user),
        this_session=sessions.current_session(),
    )


@bp.post("/language")
def set_language() -> Response:
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        accounts.set_language(current_user, form.language.data)
    else:
        session["language"] = form.language.data
    return redirect(safe_next(form.next.data))
