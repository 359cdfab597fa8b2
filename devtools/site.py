"""The demo college as a reader meets it, for the page checks and `make screenshots`.

`build(url)` migrates an empty database, seeds the demo college, gives every demo user the
password DEMO_PASSWORD (already changed, so no forced change at login), publishes the lists and
returns the app. `menu_links`, `crawl` and `visible_problems` read its pages with Flask's test
client: `python -m devtools.site crawl DATABASE_URL` prints what a Chinese reader should not
see, one problem a line, and exits 1 when there is any.
"""

import os
import re
import subprocess
import sys
import tempfile
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent

DEMO_PASSWORD = "Demo#Pass2026"
ROLES = {
    "contact": "demo_contact",
    "reviewer": "demo_reviewer",
    "admin": "demo_itadmin",
    "leader": "demo_leader",
    "security": "demo_security",
    "auditor": "demo_auditor",
}
WORKED_TIPS = "请携带校园卡"
PUBLIC_PAGES = ("/", "/public/", "/public/versions/", "/verify", "/login/")

# Latin words a Chinese page may show: codes and abbreviations every reader knows.
ALLOWED_WORDS = {
    "XLSX", "PNG", "SVG", "URL", "QR", "LDAP", "CAS", "API", "IT", "ID", "IP", "SHA",
    "PDF", "OA", "CSV", "English", "Excel", "VPN", "BIM", "MB", "KB", "DN", "TLS", "HTTP",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_]+")
# A token holding a digit, an @ or a path is a code, an address or a hash, not a word.
CODE_LIKE = re.compile(r"\d|@|/|\.\w")
TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def build(url: str):
    """The app on `url` with the demo college, known passwords and one publication."""
    os.environ.setdefault("INSTANCE_PATH", tempfile.mkdtemp(prefix="console-site-"))
    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from app import create_app
    from app.extensions import appbuilder, db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "AUTH_RATE_LIMITED": False,
            "RATELIMIT_ENABLED": False,
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
    )
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "compile", "-d", "translations"],
        check=True,
        cwd=ROOT,
    )
    with app.app_context():
        upgrade()
        from app.models.base import utcnow
        from app.services.demo.seed import seed_demo
        from app.services.publish import publication

        seed_demo(db.session.commit, echo=lambda _text: None)
        for username in ROLES.values():
            user = appbuilder.sm.find_user(username=username)
            user.password = generate_password_hash(DEMO_PASSWORD)
            user.password_changed_at = utcnow()
        db.session.commit()
        _work_one_item(db)
        if publication.latest(db.session) is None:
            reviewer = appbuilder.sm.find_user(username=ROLES["reviewer"])
            today = utcnow().date()
            publication.publish(
                db.session,
                reviewer,
                DEMO_PASSWORD,
                today - timedelta(days=1),
                today + timedelta(days=10),
            )
            db.session.commit()
    return app


def _work_one_item(db) -> None:
    """Give one item of the demo contact's department a history: an edit, a material, a
    submission, an approval and a lifecycle request, as people would."""
    from app.extensions import appbuilder
    from app.models import Material, ServiceItem
    from app.services.review import lifecycle, records, workflow

    contact = appbuilder.sm.find_user(username=ROLES["contact"])
    reviewer = appbuilder.sm.find_user(username=ROLES["reviewer"])
    item = (
        db.session.query(ServiceItem)
        .filter_by(department_id=contact.department_id, status="approved", lifecycle="online")
        .order_by(ServiceItem.code)
        .first()
    )
    if item is None or item.tips == WORKED_TIPS:
        return
    workflow.revise(db.session, item, contact)
    item.tips = WORKED_TIPS
    records.before_update(db.session, item, contact)
    db.session.add(
        Material(item=item, name="校园卡", form="copy", position=len(item.materials) + 1)
    )
    db.session.commit()
    workflow.submit(db.session, item, contact)
    workflow.approve(db.session, item, reviewer, DEMO_PASSWORD)
    db.session.commit()
    lifecycle.move(
        db.session,
        item,
        contact,
        "request_change",
        note="增加线上缴费环节",
        evidence=lifecycle.Evidence(no_classified=True),
    )
    db.session.commit()


def totp_now(app, username: str) -> str:
    """The code the user's authenticator app shows now (the three administrators pass a second
    factor): computed from the stored secret, the last accepted step forgotten first, as if the
    next 30-second window had come (the crawl logs the same user in again within seconds)."""
    import pyotp

    from app.extensions import appbuilder, db

    with app.app_context():
        user = appbuilder.sm.find_user(username=username)
        user.totp_last_step = None
        db.session.commit()
        return pyotp.TOTP(user.totp_secret).now()


def login(client, role: str, app=None) -> None:
    """Log `client` in as `role`, answering the second factor when the console asks for it."""
    response = client.post("/login/", data={"username": ROLES[role], "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"login of {role} failed"
    if response.headers.get("Location", "").endswith("/login/second-factor/"):
        assert app is not None, f"{role} needs a second factor: pass the app"
        code = totp_now(app, ROLES[role])
        response = client.post("/login/second-factor/", data={"code": code})
        assert response.status_code in (200, 302), f"second factor of {role} failed"


class _Page(HTMLParser):
    """The visible words of a page, its links, and the times outside a zoned <time>."""

    # Not words: scripts, and <code> (configuration names, hashes, directory names).
    SKIP = {"script", "style", "noscript", "template", "code"}
    SHOWN_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")

    def __init__(self, offset: str):
        super().__init__(convert_charrefs=True)
        self.zone_offset = offset
        self.words: list[str] = []
        self.links: list[str] = []
        self.raw_times: list[str] = []
        self.skipping = 0
        self.zoned = 0
        self.option_text = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in self.SKIP:
            self.skipping += 1
        if tag == "time":
            self.zoned += 1 if (values.get("datetime") or "").endswith(self.zone_offset) else 0
            self._time_open = (values.get("datetime") or "").endswith(self.zone_offset)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in self.SHOWN_ATTRIBUTES:
            if values.get(name):
                self.words.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.words.append(values["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag == "time" and getattr(self, "_time_open", False):
            self.zoned -= 1
            self._time_open = False

    def handle_data(self, data):
        if self.skipping or not data.strip():
            return
        self.words.append(data)
        if not self.zoned:
            self.raw_times.extend(TIME.findall(data))


def data_words(app) -> set[str]:
    """Codes the data itself holds (department codes, user names): shown as they are."""
    from app.extensions import db
    from app.models import ConsoleUser, Department

    with app.app_context():
        codes = {code for (code,) in db.session.query(Department.code)}
        names = {name for (name,) in db.session.query(ConsoleUser.username)}
    return {word for text in codes | names for word in WORD.findall(text)} | codes | names


def visible_problems(
    html: str, offset: str = "+08:00", allowed: set[str] = frozenset()
) -> list[str]:
    """What a Chinese reader should not see on a page: English or internal words (outside
    ALLOWED_WORDS and `allowed`), FAB's "__None", a time not rendered in the display zone."""
    page = _Page(offset)
    page.feed(html)
    problems = []
    text = " ".join(page.words)
    if "__None" in text:
        problems.append("__None")
    for token in text.split():
        if CODE_LIKE.search(token):
            continue
        problems.extend(
            f"Latin word {word!r}"
            for word in WORD.findall(token)
            if word not in ALLOWED_WORDS and word not in allowed and token not in allowed
        )
    problems += [f"time not in the display zone: {t}" for t in page.raw_times]
    return sorted(set(problems))


def links_of(html: str) -> list[str]:
    page = _Page("+08:00")
    page.feed(html)
    return page.links


def _inside(href: str, base: str) -> str | None:
    """The path of a link that stays on the console and reads (no logout, no download)."""
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.netloc not in ("", "localhost") or href.startswith(("#", "javascript:", "mailto:")):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if re.search(r"logout|\.xlsx|\.png|\.svg|/download|/export|/delete|lang/|/static/", path):
        return None
    return path


def worked_item_pages(app) -> list[str]:
    """The pages of the item `build` gave a history: its page, versions and print."""
    from app.extensions import db
    from app.models import ServiceItem

    with app.app_context():
        item = db.session.query(ServiceItem).filter_by(tips=WORKED_TIPS).first()
        if item is None:
            return []
        base = f"/workflow/service_item/{item.id}"
        return [
            f"/serviceitemview/show/{item.id}",
            f"{base}/versions/",
            f"{base}/versions/{item.approved_version_no}",
            f"{base}/print",
        ]


def verify_page(app) -> str:
    """/verify with the code of a fresh print of the worked item."""
    client = app.test_client()
    login(client, "reviewer")
    prints = [p for p in worked_item_pages(app) if p.endswith("/print")]
    if not prints:
        return "/verify"
    html = client.get(prints[0]).get_data(as_text=True)
    found = re.search(r'id="verify-code">([^<]+)<', html)
    return f"/verify?code={found.group(1)}" if found else "/verify"


def start_pages(app, role: str | None) -> list[str]:
    if role is None:
        return [*PUBLIC_PAGES, verify_page(app)]
    pages = ["/"]
    if role in ("contact", "reviewer", "leader", "admin"):
        pages += worked_item_pages(app)
    return pages


def crawl(
    app, role: str | None, depth: int = 2, per_family: int = 2, read: list | None = None
) -> dict[str, list[str]]:
    """{path: problems} of every page reachable from the role's menu (or the public pages)
    within `depth` clicks, at most `per_family` pages of one kind (e.g. two show pages); the
    paths read are appended to `read`."""
    client = app.test_client()
    if role:
        login(client, role, app)
    start = start_pages(app, role)
    seen, found, families = set(), {}, {}
    allowed = data_words(app)
    frontier = start
    for _level in range(depth + 1):
        following = []
        for path in frontier:
            if path in seen:
                continue
            seen.add(path)
            family = re.sub(r"\d+", "N", path.split("?")[0])
            families[family] = families.get(family, 0) + 1
            if families[family] > per_family:
                continue
            response = client.get(path)
            if response.status_code != 200 or "html" not in (response.content_type or ""):
                continue
            html = response.get_data(as_text=True)
            if read is not None:
                read.append(path)
            problems = visible_problems(html, allowed=allowed)
            if problems:
                found[path] = problems
            following += [p for p in map(lambda h: _inside(h, path), links_of(html)) if p]
        frontier = following
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] != "crawl":
        print("usage: python -m devtools.site crawl DATABASE_URL", file=sys.stderr)
        return 2
    app = build(argv[2])
    failed, read = 0, []
    for role in (None, *ROLES):
        for path, problems in crawl(app, role, read=read).items():
            failed += 1
            print(f"{role or 'public'} {path}: {'; '.join(problems)}")
    print(f"read {len(read)} pages", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
