"""In a real browser, through the unified identity (real slapd): the final review of the lists
(notice, phase 4: 审议定稿、长效公开).

After the publicity window the IT office submits the finished three lists with the
rectification ledger for the 校长办公会; the party & administration office records the
meeting's decision (date, minute number, the minutes as an attachment); the public pages then
open on the 定稿 as the standing standard, and a later publication is marked as its revision.
Screenshots go to test-artifacts/.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.models.base import utcnow
from app.services.publish import publication
from app.services.review import workflow
from tests import factories as f
from tests.browser import ARTIFACTS, log_in, log_out, open_menu
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")

MINUTE = "校办纪要〔2026〕12 号"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-final-review-{name}.png"), full_page=True)


def published(session, code, name, days):
    """An approved item, then the lists published with publicity from today + days[0] to
    today + days[1] (signed by the fixture reviewer)."""
    contact, reviewer = f.user(session, "contact"), f.user(session, "reviewer")
    item = f.complete_item(session, code=code, name=name)
    workflow.submit(session, item, contact)
    workflow.approve(session, item, reviewer, PASSWORD)
    today = utcnow().date()
    pub = publication.publish(
        session,
        reviewer,
        PASSWORD,
        today + timedelta(days=days[0]),
        today + timedelta(days=days[1]),
    )
    session.commit()
    return pub


def test_the_meeting_approves_the_lists_and_the_public_pages_stand_on_the_final_version(
    page, new_page, db_session
):
    first = published(db_session, "SI-BR-FR-1", "学生证补办", (-20, -1))
    f.rectification_task(db_session, title="学生证补办流程环节过多")
    db_session.commit()

    log_in(page, "admin")
    open_menu(page, "审核", "校长办公会审议")
    expect(page.locator("form.well").first).to_contain_text(f"将提交：第 {first.number} 版清单")
    page.fill("#note", "公示期满，清单与整改台账一并提交审议")
    page.locator("#submit-final-review").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交校长办公会审议")
    row = page.locator("table.final-reviews tbody tr").first
    expect(row).to_contain_text("待审议")
    expect(row).to_contain_text("1 项，未完成 1 项")
    expect(page.locator("#submit-final-review")).to_have_count(0)  # one review at a time
    log_out(page)

    log_in(page, "reviewer")
    open_menu(page, "审核", "校长办公会审议")
    decision = page.locator("form[action*='/decide']")
    expect(decision).to_contain_text(f"记录审议结果：第 {first.number} 版清单")
    decision.locator("#meeting_date").fill(date.today().isoformat())
    decision.locator("#minute_no").fill(MINUTE)
    decision.locator("#attachment").set_input_files(
        files=[{"name": "校长办公会纪要.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    decision.locator("#comment").fill("同意三类清单定稿，长期公开")
    decision.locator("button", has_text="审议通过（定稿）").click()
    expect(page.locator("div.alert-success")).to_contain_text("清单成为定稿")
    expect(page.locator(".final-standing")).to_contain_text(
        f"现行定稿：第 {first.number} 版清单（校长办公会 {date.today().isoformat()} 审议通过，"
        f"纪要 {MINUTE}）"
    )
    row = page.locator("table.final-reviews tbody tr").first
    expect(row).to_contain_text("审议通过（定稿）")
    expect(row.locator("a", has_text="校长办公会纪要.pdf")).to_be_visible()
    shot(page, "1-decided")
    log_out(page)

    public = new_page()
    public.goto("/public/")
    status = public.locator(".final-status")
    expect(status.locator(".final-badge")).to_have_text("定稿")
    expect(status).to_contain_text(f"本版清单经校长办公会 {date.today().isoformat()}")
    expect(status).to_contain_text(MINUTE)
    expect(public.locator("body")).to_contain_text("学生证补办")
    shot(public, "2-public-final")

    later = published(db_session, "SI-BR-FR-2", "宿舍调换申请", (-1, 5))
    public.goto("/public/")  # the standing standard is still the 定稿
    expect(public.locator(".final-status .final-badge")).to_have_text("定稿")
    expect(public.locator(".final-revisions")).to_contain_text(f"第 {later.number} 版（修订")
    expect(public.locator(".revision-open")).to_contain_text(f"第 {later.number} 版修订正在公示")
    expect(public.locator("body")).not_to_contain_text("宿舍调换申请")
    shot(public, "3-public-with-revision")
    public.locator(".final-revisions a").first.click()
    expect(public.locator(".final-status .revision-badge")).to_have_text("修订")
    expect(public.locator(".final-status")).to_contain_text(
        f"本版为定稿（第 {first.number} 版，校长办公会 {date.today().isoformat()} 审议通过）的修订"
    )
    expect(public.locator("body")).to_contain_text("宿舍调换申请")
    shot(public, "4-public-revision")
    public.goto("/public/versions/")
    versions = public.locator("body")
    expect(versions).to_contain_text(f"第 {first.number} 版定稿的修订")
    expect(versions).to_contain_text("，现行标准")
    shot(public, "5-versions")

    public.goto("/lang/en")  # the same pages in English
    public.goto("/public/")
    status = public.locator(".final-status")
    expect(status.locator(".final-badge")).to_have_text("Final version")
    expect(status).to_contain_text("These lists were approved by the president's office meeting")
    shot(public, "6-public-final-en")
    body = public.locator("body")
    expect(body).to_contain_text("Items: 1")  # not "1 items"
    expect(body).to_contain_text("; Promised time limit: ")  # an English separator
