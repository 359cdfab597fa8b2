"""Lockout abuse (issue 14, item 5): failures count per account AND source address, with
growing waits, an image challenge after three, and the account's owner told by mail (a real
local SMTP server) and at their next login."""

import email
import re
from datetime import timedelta

import pytest

from app.models import AuditEntry, ConsoleUser, LoginThrottle
from app.models.base import utcnow
from app.services.access import throttle
from tests.factories import PASSWORD
from tests.test_board import smtp_server  # noqa: F401  a real aiosmtpd server, the app set to it

ATTACKER, VICTIM = "198.51.100.7", "10.20.30.40"


def _login(client, username, password=PASSWORD, ip=ATTACKER, captcha=None):
    data = {"username": username, "password": password}
    if captcha is not None:
        data["captcha"] = captcha
    return client.post("/login/", data=data, environ_base={"REMOTE_ADDR": ip})


@pytest.fixture(autouse=True)
def _forget_failures(db_session):
    yield
    db_session.rollback()
    db_session.query(LoginThrottle).delete()
    db_session.commit()


@pytest.fixture
def known_answers(monkeypatch):
    """The challenge answers the images will show, in order (the person reads them)."""
    answers = iter(["ACDE", "FHJK", "MNPR", "TUVW", "XY34", "6799"])
    monkeypatch.setattr(throttle, "new_answer", lambda: next(answers))


def _fetch_challenge(client, username, ip=ATTACKER):
    response = client.get(
        f"/login/challenge.png?username={username}", environ_base={"REMOTE_ADDR": ip}
    )
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    return response


def _fail_five_times(app, username, ip=ATTACKER):
    """Five wrong passwords from `ip`, answering the challenge from the fourth on."""
    client = app.test_client()
    for n in range(5):
        captcha = None
        if n >= 3:
            _fetch_challenge(client, username, ip)
            captcha = ["ACDE", "FHJK"][n - 3]
        response = _login(client, username, "wrong", ip=ip, captcha=captcha)
        assert response.status_code == 401, (n, response.text[-400:])


def test_failures_from_one_address_lock_the_name_for_that_address_only(
    app, db_session, known_answers
):
    """Before: five wrong posts from anywhere locked a named account for everybody for 30
    minutes. Now the attacker's address is locked out, the owner logs in from theirs."""
    _fail_five_times(app, "t_reviewer")
    refused = _login(app.test_client(), "t_reviewer", ip=ATTACKER)
    assert refused.status_code == 401 and "锁定" in refused.text
    row = db_session.query(LoginThrottle).filter_by(username="t_reviewer", source=ATTACKER).one()
    assert timedelta(minutes=29) < row.locked_until - utcnow() <= timedelta(minutes=30)
    assert _login(app.test_client(), "t_reviewer", ip=VICTIM).status_code == 302
    # Thirty minutes later the attacker's address may try again.
    row.locked_until = utcnow() - timedelta(seconds=1)
    row.last_failure_at = utcnow() - timedelta(minutes=31)
    db_session.commit()
    assert _login(app.test_client(), "t_reviewer", ip=ATTACKER).status_code == 302
    # Each attempt is in the audit log, with its address and why it was refused.
    entries = (
        db_session.query(AuditEntry)
        .filter(AuditEntry.username == "t_reviewer", AuditEntry.ip == ATTACKER)
        .order_by(AuditEntry.seq)
        .all()
    )
    reasons = [
        (e.action, re.search(r'"reason": \[null, "([^"]+)"', e.changes).group(1)) for e in entries
    ]
    assert reasons[-7:] == [("login_failed", "wrong password")] * 4 + [
        ("login_failed", "wrong password; locked"),
        ("login_failed", "locked"),
        ("login", "ok"),
    ]


def test_each_failure_makes_the_next_attempt_wait_longer(app, db_session, monkeypatch):
    """After the n-th failure from an address the next attempt waits 2^(n-1) s (base 1 s):
    earlier ones are refused with 429 and the wait, without checking the password."""
    monkeypatch.setitem(app.config, "LOGIN_DELAY_SECONDS", 1)
    client = app.test_client()
    assert _login(client, "t_leader", "wrong").status_code == 401
    early = _login(client, "t_leader")  # even the right password waits
    assert early.status_code == 429 and "请 1 秒后再试" in early.text
    row = db_session.query(LoginThrottle).filter_by(username="t_leader").one()
    row.last_failure_at -= timedelta(seconds=1.1)
    db_session.commit()
    assert _login(client, "t_leader", "wrong").status_code == 401
    early = _login(client, "t_leader")
    assert early.status_code == 429 and "请 2 秒后再试" in early.text
    db_session.expire_all()
    assert row.failures == 2  # waiting refusals are not failures
    assert _login(app.test_client(), "t_leader", ip=VICTIM).status_code == 302  # other address


def test_an_image_challenge_comes_after_three_failures(app, db_session, known_answers):
    """From the third failure on the page shows a self-drawn image (the `captcha` library,
    same origin) and the login needs its answer; a wrong or reused answer is refused."""
    client = app.test_client()
    for _n in range(2):
        assert "challenge-image" not in _login(client, "t_contact", "wrong").text
    third = _login(client, "t_contact", "wrong")
    assert third.status_code == 401 and "challenge-image" in third.text
    assert "请输入下图中的 4 个字符" in third.text and "看不清？换一张" in third.text
    assert 'src="/login/challenge.png?username=t_contact' in third.text
    without = _login(client, "t_contact")  # the right password, no answer
    assert without.status_code == 401 and "请输入图片中的验证码" in without.text
    _fetch_challenge(client, "t_contact")  # shows ACDE
    wrong = _login(client, "t_contact", captcha="ZZZZ")
    assert wrong.status_code == 401 and "验证码错误" in wrong.text
    assert _login(client, "t_contact", captcha="ACDE").status_code == 401  # used up already
    _fetch_challenge(client, "t_contact")  # shows FHJK
    assert _login(client, "t_contact", captcha="fhjk").status_code == 302
    # Another address never needed one; the GET of the image there is 404.
    other = app.test_client()
    response = other.get(
        "/login/challenge.png?username=t_contact", environ_base={"REMOTE_ADDR": VICTIM}
    )
    assert response.status_code == 404


def test_the_owner_is_told_by_mail_and_at_the_next_login(app, db_session, smtp_server):  # noqa: F811
    """Three failures from one address: one mail to the account's address (read from a real
    local SMTP server), and at the owner's next login a notice, kept on the home page."""
    client = app.test_client()
    for _n in range(3):
        _login(client, "t_leader", "wrong")
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["t_leader@example.edu.cn"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "登录失败" in message["Subject"]
    body = message.get_content()
    assert ATTACKER in body and "连续 3 次登录失败" in body and "t_leader" in body
    for _n in range(2):  # more failures from there: no second mail within the hour
        client.get("/login/challenge.png?username=t_leader", environ_base={"REMOTE_ADDR": ATTACKER})
        _login(client, "t_leader", "wrong", captcha="x")
    assert len(smtp_server.envelopes) == 1
    owner = app.test_client()
    response = _login(owner, "t_leader", ip=VICTIM)
    assert response.status_code == 302
    home = owner.get("/").text
    assert "home-login-failures" in home
    assert re.search(r"您的账号有 \d+ 次登录失败", home) and ATTACKER in home
    # The next login after that one has nothing to report.
    owner.post("/logout/")
    again = app.test_client()
    _login(again, "t_leader", ip=VICTIM)
    assert "home-login-failures" not in again.get("/").text


def test_security_admin_unlocks_every_address_and_it_is_audited(
    app, client_as, db_session, known_answers
):
    _fail_five_times(app, "t_leader")
    user = db_session.query(ConsoleUser).filter_by(username="t_leader").one()
    assert client_as("admin").get("/users/list/").status_code == 403  # 三权分立
    admin = client_as("security")
    # Filtered to the account: the fixture and directory users fill more than one page.
    page = admin.get("/users/list/?_flt_0_username=t_leader").text
    assert "锁定至" in page and user.lock_state in page and "t_admin" not in page
    assert ATTACKER in admin.get("/directory/").text  # the locked address is shown
    response = admin.post("/users/action_post", data={"action": "unlock", "rowid": [str(user.id)]})
    assert response.status_code == 302
    assert _login(app.test_client(), "t_leader").status_code == 302
    entry = (
        db_session.query(AuditEntry)
        .filter(AuditEntry.changes.like("%unlocked%"))
        .order_by(AuditEntry.seq.desc())
        .first()
    )
    assert entry.username == "t_security" and "t_leader" in entry.changes
