"""The steps of a login shared by the login form, its second step and the REST login.

`attempt_login` runs the one authentication service in one transaction; `finish` opens the
session of a user who passed every step; `pending_*` keep, in the signed session cookie, who
passed the password and still owes the second factor (for five minutes at most).
"""

import time

from flask import flash, request, session
from flask_babel import gettext as _

from app.extensions import db
from app.services.access import authentication, cas_login, passwords
from app.services.errors import LoginRefused
from app.views.transaction import one_transaction

from . import sessions

PENDING_SECONDS = 300


def attempt_login(sm, username, password, challenge=None, otp=None):
    """Every login (form, REST API, LDAP or local) goes through here: one call of
    `authentication.authenticate` (input guards, throttling, audit) in one transaction.

    Returns (user, refusal, ok): `ok` is false when the database failed (the transaction
    flashed a retry hint); a refusal is committed too, since its audit row and failure count
    (or lock) must stay, so it is caught inside the transaction and answered after the commit.
    """
    return _attempt(
        lambda: authentication.authenticate(
            db.session,
            sm,
            username,
            password,
            ip=request.remote_addr,
            challenge=challenge,
            otp=otp,
            user_agent=request.user_agent.string,
        )
    )


def attempt_cas_login(sm, ticket, service):
    """A CAS ticket's login (`cas_login.authenticate_cas`), as `attempt_login`."""
    return _attempt(
        lambda: cas_login.authenticate_cas(db.session, sm, ticket, service, ip=request.remote_addr)
    )


def _attempt(authenticate):
    user = refusal = None
    with one_transaction(abort_on=()) as outcome:
        try:
            user = authenticate()
        except LoginRefused as refused:
            refusal = refused
    return user, refusal, outcome.ok


def attempt_second_factor(sm, user_id, code):
    """The second step in one transaction: (user, recovery codes or None, refusal, ok)."""
    user = codes = refusal = None
    with one_transaction(abort_on=()) as outcome:
        try:
            user, codes = authentication.complete_second_factor(
                db.session,
                sm,
                user_id,
                code,
                ip=request.remote_addr,
                user_agent=request.user_agent.string,
            )
        except LoginRefused as refused:
            refusal = refused
    return user, codes, refusal, outcome.ok


def finish(user, cas_ticket=None):
    """Open the session of `user` (opened through CAS with the digest `cas_ticket`, which its
    single logout will name), show what they must know; returns the address of the password
    change when it is due, else None."""
    sessions.start(user, cas_ticket)
    for notice in getattr(user, "notices", []):
        flash(notice, "warning")
    notice = getattr(user, "failure_notice", None)
    if notice:
        session["failure_notice"] = notice
        flash(failure_text(notice), "warning")
    if passwords.must_change(user):
        flash(_("密码已超过有效期或为初始密码，请先修改密码。"), "warning")
        return sessions.change_password_url()
    return None


def failure_text(notice: dict) -> str:
    return _(
        "自您上次登录以来，您的账号有 {n} 次登录失败，最近一次在 {at}（UTC），来自 {ip}。"
        "如非本人操作，请修改密码并联系信息中心。"
    ).format(n=notice["count"], at=notice["at"], ip=notice["ip"] or _("未知地址"))


def pending_start(user_id: int, next_url: str | None, cas_ticket: str | None = None) -> None:
    session.clear()
    session["second_factor"] = {
        "uid": user_id,
        "at": int(time.time()),
        "next": next_url,
        "cas": cas_ticket,
    }


def pending() -> dict | None:
    """Who owes the second factor in this browser, unless it took too long."""
    state = session.get("second_factor")
    if not isinstance(state, dict) or time.time() - int(state.get("at", 0)) > PENDING_SECONDS:
        return None
    return state


def pending_end() -> None:
    session.pop("second_factor", None)
