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

from . import login_flow, sessions
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
                appbuilder=self.appbuilder,
            )
        )
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "GET":
            # Logging out changes state: only a POST with a CSRF token does it.
            return redirect(self.appbuilder.get_url_for_index)
        with one_transaction():
            user = sessions.end()
            if user is not None:
                from app.services.trail import audit

                audit.record_event(
                    db.session,
                    "logout",
                    record_type="ab_user",
                    record_id=user.id,
                    summary=user.username,
                    username=user.username,
                    ip=request.remote_addr,
                )
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
