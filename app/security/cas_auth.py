"""The college's CAS server (CAS 2.0/3.0 单点登录), through python-cas.

Configured by AUTH_MODE=cas and the CAS_* settings (config.py). The console sends the browser
to the CAS login with its service address, checks the ticket that comes back on the CAS
server's validation endpoint (p3/serviceValidate for CAS 3, serviceValidate for CAS 2; python-
cas, within CAS_TIMEOUT_SECONDS), and reads the person's names, department and groups from the
released attributes, or, with CAS_USER_SOURCE=ldap, from the directory by the CAS user name.
The rules of a login (lockout, audit, roles) are app/services/access/authentication.py's.

Single logout: the CAS server POSTs a SAML `logoutRequest` naming the service ticket of a
login; `ticket_of_logout_request` reads it and the login view ends that console session.
"""

import hashlib
import logging
import re
from xml.etree.ElementTree import ParseError

import requests
from cas import CASClient, SingleLogoutMixin
from flask import current_app, url_for

from .ldap_auth import DirectoryUser

log = logging.getLogger(__name__)
# CAS protocol 3.1: a service ticket begins with "ST-"; its length is bounded here so that a
# crafted value never reaches the server or the audit trail whole.
TICKET_PATTERN = re.compile(r"^ST-[A-Za-z0-9._-]{1,250}$")


class CasUnavailable(Exception):
    """The CAS server could not be reached, did not answer in time or answered nonsense."""


class _TimedSession(requests.Session):
    """requests has no session-wide timeout: python-cas calls get() without one."""

    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def enabled() -> bool:
    return current_app.config.get("AUTH_MODE") == "cas"


def service_url() -> str:
    """This console's CAS address: the same at login and at validation (CAS compares them)."""
    return current_app.config.get("CAS_SERVICE_URL") or url_for(
        current_app.appbuilder.sm.auth_view.__class__.__name__ + ".cas_login", _external=True
    )


def client(service: str | None = None) -> CASClient:
    cfg = current_app.config
    return CASClient(
        version=int(cfg.get("CAS_VERSION", 3)),
        server_url=cfg["CAS_SERVER_URL"],
        service_url=service or service_url(),
        verify_ssl_certificate=cfg.get("CAS_VERIFY_TLS", True),
        session=_TimedSession(cfg.get("CAS_TIMEOUT_SECONDS", 5)),
    )


def login_url(service: str | None = None) -> str:
    return client(service).get_login_url()


def logout_url(back: str) -> str:
    """The CAS server's logout, which then sends the browser to `back`."""
    return client().get_logout_url(back)


def digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode("utf-8")).hexdigest()


def well_formed(ticket: str | None) -> bool:
    return bool(ticket) and TICKET_PATTERN.match(ticket) is not None


def validate(ticket: str, service: str | None = None) -> tuple[str, dict] | None:
    """(user name, attributes) when the CAS server accepts `ticket` for this service, else None.

    Raises CasUnavailable when the server cannot be reached or answers nonsense."""
    try:
        user, attributes, _pgtiou = client(service).verify_ticket(ticket)
    except requests.RequestException as error:
        log.warning("CAS server unreachable: %s", error)
        raise CasUnavailable(str(error)) from error
    except (ParseError, IndexError) as error:
        log.warning("CAS server answered something that is not a CAS response: %s", error)
        raise CasUnavailable(str(error)) from error
    if not user:
        return None
    return user, attributes or {}


def _values(attributes, name):
    value = attributes.get(name) if name else None
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if v]


def _one(attributes, name):
    values = _values(attributes, name)
    return values[0].strip() if values else ""


def entry_from_attributes(username: str, attributes: dict) -> DirectoryUser:
    """The person as the CAS attributes describe them (attribute names from CAS_ATTRIBUTE_*);
    a single value comes back as a string, several as a list."""
    cfg = current_app.config
    return DirectoryUser(
        dn="",
        username=username,
        first_name=_one(attributes, cfg.get("CAS_ATTRIBUTE_FIRSTNAME")),
        last_name=_one(attributes, cfg.get("CAS_ATTRIBUTE_LASTNAME")),
        email=_one(attributes, cfg.get("CAS_ATTRIBUTE_EMAIL")),
        department_code=_one(attributes, cfg.get("CAS_ATTRIBUTE_DEPARTMENT")) or None,
        groups=[g.strip() for g in _values(attributes, cfg.get("CAS_ATTRIBUTE_GROUPS"))],
    )


def entry_from_directory(username: str) -> DirectoryUser | None:
    """The person as the directory knows them, by the CAS user name (CAS_USER_SOURCE=ldap).
    Raises ldap_auth.DirectoryUnavailable when the directory cannot answer."""
    from . import ldap_auth

    return ldap_auth.lookup(username)


def ticket_of_logout_request(body: str | None) -> str | None:
    """The service ticket a single-logout request names (its SessionIndex), else None."""
    if not body or len(body) > 10_000 or "<!" in body:  # no DTD, hence no entities
        return None
    found = SingleLogoutMixin.get_saml_slos(body.encode("utf-8"))
    if not found:
        return None
    ticket = (found[0].text or "").strip()
    return ticket if well_formed(ticket) else None
