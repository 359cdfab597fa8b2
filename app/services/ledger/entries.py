"""Online entries that answer: each live item's entry address is checked, and dead ones reach
the ledger.

The service list promises an online entry for each live item. `check_all` requests every live
item's entry address (the first http(s) address in its 线上办理入口), with a bounded time per
request and a bounded number at once, and records what it found on the item's `EntryCheck`:

- 可访问: a 2xx or 3xx answer, a 401/403 (the system asks for a login), or a redirect to one of the
  unified login addresses (`ENTRY_LOGIN_URLS`, the CAS server's among them) counted as alive;
- 已失效: a 4xx or 5xx answer, or too many redirects;
- 无法连接: no answer in time, a refused connection, an unknown host, a bad certificate;
- 不是网址: the entry names a place or an app, not an address (not counted as a failure).

After `ENTRY_CHECK_FAILURES` failed checks in a row, a rectification task (source 办事入口检查)
is opened for the owning department, or a completed one reopened. Functions leave the commit
to the caller; each run writes one audit event.
"""

import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpx
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, EntryCheck, ServiceItem
from app.models.base import utcnow
from app.models.choices import ENTRY_FAILING, ENTRY_OUTCOME, LIFECYCLE, TASK_STATUS
from app.services.access import permissions
from app.services.errors import DuplicateTaskError
from app.services.ledger import rectification
from app.services.trail import audit, clock

# Items whose entry the public may use today.
LIVE = (LIFECYCLE.ONLINE, LIFECYCLE.CHANGE_REQUESTED, LIFECYCLE.OFFLINE_REQUESTED)
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
_URL = re.compile(r"https?://[^\s，。；、,;（）()<>\"'“”]+", re.IGNORECASE)


@dataclass(frozen=True)
class Probe:
    """What one request found."""

    outcome: str
    status_code: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class Settings:
    timeout: float
    concurrency: int
    failures_for_task: int
    login_urls: tuple[str, ...]
    verify_tls: bool

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Settings":
        logins = [u.strip() for u in str(config.get("ENTRY_LOGIN_URLS") or "").split(",")]
        if config.get("CAS_SERVER_URL"):
            logins.append(str(config["CAS_SERVER_URL"]).rstrip("/") + "/login")
        return cls(
            timeout=float(config.get("ENTRY_CHECK_TIMEOUT", 5)),
            concurrency=max(1, int(config.get("ENTRY_CHECK_CONCURRENCY", 8))),
            failures_for_task=max(1, int(config.get("ENTRY_CHECK_FAILURES", 3))),
            login_urls=tuple(u for u in logins if u),
            verify_tls=bool(config.get("ENTRY_CHECK_VERIFY_TLS", True)),
        )


def entry_url(entry: str | None) -> str | None:
    """The first http(s) address in an entry text ("网上办事大厅 https://…"), or None."""
    match = _URL.search(entry or "")
    return match.group(0).rstrip(".") if match else None


def probe(client: httpx.Client, url: str, login_urls: Iterable[str] = ()) -> Probe:
    """Request `url` (following redirects by hand, to see where they lead) and judge it."""
    login_urls = tuple(login_urls)
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        try:
            with client.stream("GET", current) as response:  # the body is never read
                status, location = response.status_code, response.headers.get("location")
        except httpx.TimeoutException:
            return Probe(ENTRY_OUTCOME.UNREACHABLE, None, _("超时未应答"))
        except httpx.HTTPError as error:
            return Probe(ENTRY_OUTCOME.UNREACHABLE, None, _describe(error))
        if status in REDIRECTS and location:
            current = urljoin(current, location)
            if any(current.startswith(login) for login in login_urls):
                return Probe(ENTRY_OUTCOME.ALIVE, status, _("跳转到统一身份认证登录"))
            continue
        if status in (401, 403):
            return Probe(ENTRY_OUTCOME.ALIVE, status, _("需要登录后访问"))
        if status < 400:
            return Probe(ENTRY_OUTCOME.ALIVE, status, "")
        return Probe(ENTRY_OUTCOME.DEAD, status, _("服务器返回 {code}").format(code=status))
    return Probe(ENTRY_OUTCOME.DEAD, status, _("重定向次数过多"))


def _describe(error: httpx.HTTPError) -> str:
    text = str(error)
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return _("证书无效：{reason}").format(reason=text[:120])
    if isinstance(error, httpx.ConnectError):
        return _("无法连接：{reason}").format(reason=text[:120] or type(error).__name__)
    return _("请求失败：{reason}").format(reason=text[:120] or type(error).__name__)


def live_items(session: Session) -> list[ServiceItem]:
    """Live items with an entry to check, in code order."""
    return session.scalars(
        select(ServiceItem)
        .where(
            ~ServiceItem.is_offline,
            ServiceItem.lifecycle.in_(LIVE),
            ServiceItem.online_entry.is_not(None),
            ServiceItem.online_entry != "",
        )
        .order_by(ServiceItem.code)
    ).all()


def probe_all(urls: Iterable[str], settings: Settings) -> dict[str, Probe]:
    """{url: Probe} for each distinct url, `settings.concurrency` requests at a time."""
    distinct = sorted(set(urls))
    if not distinct:
        return {}
    limits = httpx.Limits(max_connections=settings.concurrency)
    with (
        httpx.Client(
            timeout=settings.timeout,
            follow_redirects=False,
            limits=limits,
            verify=settings.verify_tls,
            headers={"User-Agent": "service-governance-console entry check"},
            trust_env=False,
        ) as client,
        ThreadPoolExecutor(max_workers=settings.concurrency) as pool,
    ):
        found = pool.map(lambda url: probe(client, url, settings.login_urls), distinct)
        return dict(zip(distinct, found, strict=True))


def check_all(session: Session, user: ConsoleUser, config: Mapping[str, Any]) -> dict[str, int]:
    """Check every live item's entry, record the results, open tasks; returns the counts."""
    permissions.ensure(user, "check_entries")
    settings = Settings.from_config(config)
    items = live_items(session)
    urls = {item.id: entry_url(item.online_entry) for item in items}
    probes = probe_all((u for u in urls.values() if u), settings)
    existing = {
        row.item_id: row
        for row in session.scalars(
            select(EntryCheck).where(EntryCheck.item_id.in_([item.id for item in items]))
        )
    }
    counts = dict.fromkeys((*ENTRY_OUTCOME.codes, "tasks"), 0)
    now = utcnow()
    for item in items:
        url = urls[item.id]
        found = probes[url] if url else Probe(ENTRY_OUTCOME.NO_URL, None, _("入口不是网址，未检查"))
        row = existing.get(item.id) or EntryCheck(item_id=item.id, item=item, failures=0)
        _record(row, url, found, now)
        session.add(row)
        counts[found.outcome] += 1
        if row.failures >= settings.failures_for_task and _open_task(session, user, item, row):
            counts["tasks"] += 1
    session.flush()
    audit.record_event(
        session,
        "check",
        record_type="entry_check",
        summary=_(
            "检查办事入口 {n} 个：可访问 {alive}，失效 {dead}，无法连接 {unreachable}，"
            "不是网址 {no_url}；新登记整改任务 {tasks} 条"
        ).format(n=len(items), **counts),
    )
    return counts


def _record(row: EntryCheck, url: str | None, found: Probe, now) -> None:
    failing = found.outcome in ENTRY_FAILING
    row.url, row.outcome, row.status_code = url, found.outcome, found.status_code
    row.detail, row.checked_at = (found.detail or None), now
    row.failures = (row.failures or 0) + 1 if failing else 0
    row.failing_since = (row.failing_since or now) if failing else None


def _open_task(session: Session, user: ConsoleUser, item: ServiceItem, row: EntryCheck) -> bool:
    """Open (or reopen) the item's entry task; False when an open one already exists."""
    task = row.task
    if task is None:
        try:
            task = rectification.open_task(
                session,
                user,
                source="entry",
                category="entry",
                department=item.department_id,
                title=_("{item}：办事入口无法访问").format(item=item.name),
                description=_(
                    "入口 {url} 连续 {n} 次检查失败（{detail}），首次失败于 {since}。"
                ).format(
                    url=row.url,
                    n=row.failures,
                    detail=row.detail or ENTRY_OUTCOME.label(row.outcome),
                    since=clock.text(row.failing_since),
                ),
                item=item,
            )
        except DuplicateTaskError as duplicate:  # opened by hand before the checks did
            row.task = duplicate.task
            return False
        row.task = task
        return True
    if task.task_status == TASK_STATUS.DONE:
        rectification.move(
            session,
            task,
            user,
            "reopen",
            reason=_("入口再次连续 {n} 次检查失败。").format(n=row.failures),
        )
        return True
    return False
