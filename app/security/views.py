"""Login and logout pages: one login for both modes, logout only by POST with CSRF."""

import secrets

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.views import (
    AuthDBView,
    AuthLDAPView,
    ResetMyPasswordView,
    ResetPasswordView,
)
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.extensions import db
from app.services.access import passwords, throttle
from app.services.errors import SecondFactorNeeded, response_for
from app.views.redirects import safe_next
from app.views.transaction import one_transaction

from . import cas_auth, login_flow, sessions
from .second_factor_views import SecondFactorPages


class LoginForm(FlaskForm):
    # No DataRequired: the service refuses empty input itself, and audits the attempt.
    username = StringField(_l("用户名"), validators=[Length(max=128)])
    password = PasswordField(_l("密码"), validators=[Length(max=1024)])
    captcha = StringField(_l("验证码"), validators=[Length(max=16)])


# Kept here for callers of the earlier location (the REST login imports it from this module).
attempt_login = login_flow.attempt_login


class _ConsoleLogin(SecondFactorPages):
    """Shared by the DB and LDAP login views; the rules live in app.services.authentication."""

    login_template = "security/login.html"
    title = _l("登录")

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(safe_next(self.appbuilder.get_url_for_index))
        form = LoginForm()
        status, challenge = 200, False
        if request.method == "GET" and request.args.get("username"):
            # "换一张" and the page after a refusal: the challenge this name needs from here.
            form.username.data = request.args["username"][:64]
            challenge = throttle.needs_challenge(
                throttle.pair(db.session, form.username.data, request.remote_addr)
            )
        if request.method == "POST" and form.validate_on_submit():
            user, refusal, ok = login_flow.attempt_login(
                self.appbuilder.sm,
                form.username.data,
                form.password.data,
                challenge=form.captcha.data or None,
            )
            if isinstance(refusal, SecondFactorNeeded):
                login_flow.pending_start(refusal.user_id, safe_next(None))
                return redirect(url_for(self.__class__.__name__ + ".second_factor"))
            if not ok:  # the database failed: one_transaction flashed a retry hint
                status = 500
            elif refusal is not None:
                status, category = response_for(refusal)
                flash(str(refusal), category)
                challenge = refusal.challenge
            else:
                change = login_flow.finish(user)
                return redirect(change or safe_next(self.appbuilder.get_url_for_index))
        elif request.method == "POST":
            flash(_l("请求无效，请刷新页面后重新登录。"), "danger")
            status = 400
        return self._login_page(form, status, challenge)

    def _login_page(self, form, status=200, challenge=False):
        form.captcha.data = ""
        response = current_app.make_response(
            self.render_template(
                self.login_template,
                title=self.title,
                form=form,
                challenge=challenge,
                challenge_url=url_for(
                    self.__class__.__name__ + ".challenge_image",
                    username=form.username.data or "",
                    n=secrets.token_hex(4),
                ),
                cas_url=url_for(self.__class__.__name__ + ".cas_login", next=safe_next(None))
                if cas_auth.enabled()
                else None,
                appbuilder=self.appbuilder,
            )
        )
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/login/cas/", methods=["GET", "POST"])
    def cas_login(self):
        """CAS: without a ticket, off to the CAS login; with one, its check and the session.
        A POST is the CAS server's single logout (no CSRF token: app/__init__.py exempts it)."""
        if not cas_auth.enabled():
            abort(404)
        if request.method == "POST":
            return self._cas_single_logout()
        if g.user is not None and g.user.is_authenticated:
            return redirect(safe_next(self.appbuilder.get_url_for_index, session.get("cas_next")))
        ticket = request.args.get("ticket")
        if not ticket:
            session["cas_next"] = safe_next(None)
            return redirect(cas_auth.login_url())
        next_url = safe_next(None, session.pop("cas_next", None))
        user, refusal, ok = login_flow.attempt_cas_login(
            self.appbuilder.sm, ticket, cas_auth.service_url()
        )
        digest = cas_auth.digest(ticket)
        if isinstance(refusal, SecondFactorNeeded):
            login_flow.pending_start(refusal.user_id, next_url, digest)
            return redirect(url_for(self.__class__.__name__ + ".second_factor"))
        if not ok:
            return self._login_page(LoginForm(), 500)
        if refusal is not None:
            status, category = response_for(refusal)
            flash(str(refusal), category)
            return self._login_page(LoginForm(), status)
        change = login_flow.finish(user, digest)
        return redirect(change or safe_next(self.appbuilder.get_url_for_index, next_url))

    def _cas_single_logout(self):
        ticket = cas_auth.ticket_of_logout_request(request.form.get("logoutRequest"))
        if ticket is None:
            return current_app.response_class("invalid logoutRequest", 400, mimetype="text/plain")
        with one_transaction(abort_on=()):
            sessions.end_cas_login(db.session, cas_auth.digest(ticket), request.remote_addr)
        return current_app.response_class("ok", 200, mimetype="text/plain")

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "GET":
            # Logging out changes state: only a POST with a CSRF token does it.
            return redirect(self.appbuilder.get_url_for_index)
        through_cas = bool(session.get("cas"))
        with one_transaction():
            user = sessions.end()
            if user is not None:
                sessions.audit_logout(db.session, user, request.remote_addr)
        if through_cas and current_app.config.get("CAS_LOGOUT_AT_SERVER", True):
            # The CAS server ends its own session too, then sends the browser back here.
            return redirect(cas_auth.logout_url(url_for(".login", _external=True)))
        return redirect(self.appbuilder.get_url_for_login)


class ConsoleAuthDBView(_ConsoleLogin, AuthDBView):
    pass


class ConsoleAuthLDAPView(_ConsoleLogin, AuthLDAPView):
    pass


def _new_password_field(description) -> PasswordField:
    return PasswordField(
        _l("新密码"),
        description=description,
        validators=[DataRequired(), PasswordComplexityValidator()],
        widget=BS3PasswordFieldWidget(),
    )


def _confirmation_field() -> PasswordField:
    return PasswordField(
        _l("确认新密码"),
        validators=[EqualTo("password", message=_l("两次输入的密码不一致"))],
        widget=BS3PasswordFieldWidget(),
    )


class ChangeMyPasswordForm(DynamicForm):
    current_password = PasswordField(
        _l("当前密码"), validators=[DataRequired()], widget=BS3PasswordFieldWidget()
    )
    password = _new_password_field(
        _l("至少 8 个字符，包含大写字母、小写字母、数字、特殊字符中的至少三类")
    )
    conf_password = _confirmation_field()


class ResetPasswordForm(DynamicForm):
    password = _new_password_field(_l("用户下次登录时须修改此密码"))
    conf_password = _confirmation_field()


class ConsoleResetMyPasswordView(ResetMyPasswordView):
    """The user's own (or forced) change: asks for the current password, refuses the last
    five, and ends every other session of the user; this one goes on."""

    # FAB's permission names: the role table (permissions.py) grants them as before.
    class_permission_name = "ResetMyPasswordView"
    form = ChangeMyPasswordForm
    form_title = _l("修改密码")

    def form_post(self, form):
        from app.models import ConsoleUser

        user = db.session.get(ConsoleUser, g.user.id)
        with one_transaction(_("密码已修改，其他设备上的登录已全部退出。")) as outcome:
            passwords.check_current(user, form.current_password.data)
            passwords.set_password(db.session, user, form.password.data, by_self=True)
        if not outcome.ok:
            return redirect(url_for(self.__class__.__name__ + ".this_form_get"))
        session["nonce"] = user.session_nonce  # this session stays, every other copy ends
        return None


class ConsoleResetPasswordView(ResetPasswordView):
    """The security administrator's reset: the user must change it at the next login, and
    every session of the user ends at once."""

    class_permission_name = "ResetPasswordView"
    form = ResetPasswordForm
    form_title = _l("重置密码")

    def form_post(self, form):
        from app.models import ConsoleUser

        user = db.session.get(ConsoleUser, request.args.get("pk", type=int) or 0)
        if user is None:
            abort(404)
        with one_transaction(
            _("已重置 {name} 的密码，其登录已全部退出。").format(name=user.username)
        ):
            passwords.set_password(db.session, user, form.password.data, by_self=False)
        return None
