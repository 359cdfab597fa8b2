"""E-mail through the college's SMTP server with smtplib (settings from the environment).

`configured(config)` says whether SMTP_HOST and MAIL_FROM are set; `send(config, messages)`
delivers a batch over one connection (STARTTLS and login when configured) and reports, per
message, None when accepted or the reason it was not. A server that cannot be reached raises
`MailServerError` with a message in Chinese.
"""

import smtplib
import socket
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask_babel import gettext as _


class MailServerError(Exception):
    """The SMTP server could not be reached or refused the session."""


def configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("SMTP_HOST") and config.get("MAIL_FROM"))


def message(
    config: Mapping[str, Any], recipients: Iterable[str], subject: str, body: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    msg["To"] = ", ".join(recipients)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    msg.set_content(body)
    return msg


def _connect(config):
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25)
    timeout = float(config.get("SMTP_TIMEOUT_SECONDS") or 10)
    try:
        server = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("SMTP_STARTTLS"):
            server.starttls()
        if config.get("SMTP_USER"):
            server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        return server
    except smtplib.SMTPAuthenticationError as error:
        text = _(
            "邮件服务器 {host}:{port} 拒绝了登录（{reason}），请检查 SMTP_USER 与 SMTP_PASSWORD。"
        )
        raise MailServerError(text.format(host=host, port=port, reason=error.smtp_code)) from error
    except (OSError, smtplib.SMTPException) as error:
        reason = str(error) or type(error).__name__
        if isinstance(error, (socket.timeout, TimeoutError)):
            reason = _("连接超时")
        raise MailServerError(
            _("无法连接邮件服务器 {host}:{port}（{reason}）。").format(
                host=host, port=port, reason=reason
            )
        ) from error


def send(config: Mapping[str, Any], messages: Iterable[EmailMessage]) -> list[str | None]:
    """Send every message over one connection; returns a list of None or an error text."""
    server = _connect(config)
    results = []
    try:
        for msg in messages:
            try:
                refused = server.send_message(msg)
                results.append(
                    _("以下地址被拒收：{addresses}").format(addresses=", ".join(refused))
                    if refused
                    else None
                )
            except smtplib.SMTPRecipientsRefused as error:
                results.append(
                    _("以下地址被拒收：{addresses}").format(addresses=", ".join(error.recipients))
                )
            except (OSError, smtplib.SMTPException) as error:
                results.append(_("发送失败：{reason}").format(reason=str(error)))
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return results
