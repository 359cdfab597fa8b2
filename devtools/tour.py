"""The main pages in Debian's Chromium: screenshots at 1400 px and 375 px, axe-core checks and
the phone-width check, on the demo college of devtools/site.py served on 127.0.0.1.

    python -m devtools.tour screenshots DATABASE_URL OUT_DIR   # make screenshots (not checked)
    python -m devtools.tour check DATABASE_URL                 # axe and 375 px: exit 1 on a fault

axe-core comes bundled with axe-playwright-python (nothing is fetched from outside).
"""

import re
import sys
import threading
from pathlib import Path

from werkzeug.serving import make_server

from devtools.site import DEMO_PASSWORD, ROLES, build, totp_now, verify_page, worked_item_pages

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WIDTHS = (1400, 375)
# Pages a phone reader opens (from WeChat): none may scroll sideways at 375 px.
PHONE_PAGES = (
    "public",
    "public_item",
    "verify",
    "verify_code",
    "item",
    "home_public",
    "case_services",
    "my_cases",
)
# Pages axe-core checks at both widths (issue 17): login, item, list, public and verify.
AXE_PAGES = ("login", "item", "items", "public", "public_item", "verify", "verify_code")
SERIOUS = {"serious", "critical"}


def tour(app) -> list[tuple[str, str | None, str]]:
    """[(name, role or None, path)] of the main pages."""
    item, _versions, version, printed = worked_item_pages(app)
    client = app.test_client()
    html = client.get("/public/").get_data(as_text=True)
    public_item = re.search(r'href="(/public/items/[^"]+)"', html)
    return [
        ("home_public", None, "/"),
        ("login", None, "/login/"),
        ("public", None, "/public/"),
        ("public_item", None, public_item.group(1) if public_item else "/public/"),
        ("public_versions", None, "/public/versions/"),
        ("verify", None, "/verify"),
        ("verify_code", None, verify_page(app)),
        ("home_contact", "contact", "/"),
        ("items", "contact", "/serviceitemview/list/"),
        ("item", "contact", item),
        ("item_print", "contact", printed),
        ("version", "reviewer", version),
        ("inbox", "reviewer", "/workflow/inbox/"),
        ("comments", "reviewer", "/publication/comments/"),
        ("systems", "leader", "/informationsystemview/list/"),
        ("contacts", "leader", "/contactview/list/"),
        ("home_leader", "leader", "/"),
        ("dashboard", "leader", "/statistics/"),
        ("audit", "auditor", "/auditentryview/list/"),
        ("users", "security", "/users/list/"),
        ("board", "admin", "/board/"),
        ("entries", "admin", "/entrycheckview/list/"),
        ("findings", "admin", "/findings/"),
        ("hall", "contact", "/hall/"),
        ("api_docs", "contact", "/api/v1/docs"),
        ("calendar", "admin", "/calendardayview/list/"),
        ("completeness", "admin", "/completenessruleview/list/"),
        ("case_services", "contact", "/cases/"),
        ("my_cases", "contact", "/cases/mine"),
        ("case_inbox", "contact", "/cases/inbox"),
    ]


class _Server:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _pages(app, action) -> int:
    """Open every page of the tour at each width as its role and call action(page, ...)."""
    from playwright.sync_api import sync_playwright

    faults = 0
    stops = tour(app)
    with _Server(app) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for width in WIDTHS:
            for role in [None, *ROLES]:
                mine = [(n, p) for n, r, p in stops if r == role]
                if not mine:
                    continue
                context = browser.new_context(
                    base_url=server.url, locale="zh-CN", viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                if role:
                    page.goto("/login/")
                    page.fill("#username", ROLES[role])
                    page.fill("#password", DEMO_PASSWORD)
                    page.locator("input[type=submit]").click()
                    page.wait_for_load_state()
                    if page.url.endswith("/login/second-factor/"):
                        page.fill("#code", totp_now(app, ROLES[role]))
                        page.locator("input[type=submit], button[type=submit]").first.click()
                        page.wait_for_load_state()
                for name, path in mine:
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    faults += action(page, name, width)
                context.close()
        browser.close()
    return faults


def screenshots(app, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)

    def shoot(page, name, width):
        page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
        return 0

    count = _pages(app, shoot)
    print(f"screenshots in {out}")
    return count


def check(app) -> int:
    """axe-core on every page at both widths (serious/critical fail), and no sideways scroll
    at 375 px on the pages phones open."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def inspect(page, name, width):
        faults = 0
        if name in AXE_PAGES:
            result = axe.run(page)
            for violation in result.response["violations"]:
                if violation["impact"] in SERIOUS:
                    faults += 1
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    print(
                        f"axe {name} {width}px: {violation['id']} ({violation['impact']}) {targets}"
                    )
        if width == 375 and name in PHONE_PAGES:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > 375:
                faults += 1
                print(f"phone {name}: page is {wide} px wide at 375 px")
        return faults

    return _pages(app, inspect)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] not in ("screenshots", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    app = build(argv[2])
    if argv[1] == "screenshots":
        screenshots(app, Path(argv[3] if len(argv) > 3 else "test-artifacts/screenshots"))
        return 0
    faults = check(app)
    print(f"{faults} faults", file=sys.stderr)
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
