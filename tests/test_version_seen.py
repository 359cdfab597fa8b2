"""No lost update by omission: an edit posted without `version_seen`, or with one that is not a
number, is refused like a stale one (a reload hint, nothing changed), on every editable record
view. The same form with the version it carried saves, so the refusal is the version's."""

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import inspect

from app.extensions import appbuilder
from app.models import AudienceGroup, CalendarDay, Capability, CompletenessRule, FindingSetting
from app.views.base import ConsoleModelView
from tests import factories as f


class _Form(HTMLParser):
    """The fields a browser would post from the page's edit form."""

    def __init__(self):
        super().__init__()
        self.fields, self._select, self._textarea, self._in_form = {}, None, None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields[name] = attrs.get("value", "y")
            elif kind not in ("submit", "button", "file"):
                self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def edit_form(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    form = _Form()
    form.feed(page.text)
    assert "version_seen" in form.fields, f"{url} carries the version the editor saw"
    return form.fields


@pytest.fixture(autouse=True)
def _no_test_audience_left(db_session):
    """The audience list outlives a test (reference data): take the one made here away."""
    yield
    db_session.rollback()
    db_session.query(AudienceGroup).filter_by(code="seen").delete()
    db_session.commit()


def _records(session):
    """One record for every editable record view, keyed by the view's class name."""
    item = f.complete_item(session, code="SI-SEEN")
    camp = f.campaign(session, year=2032)
    capability = Capability(code="SEEN-CAP", name="报修服务")
    setting = FindingSetting(rule="idle_system", enabled=True, params="{}")
    # The audience list is reference data the suite keeps between tests: made once.
    audience = session.query(AudienceGroup).filter_by(code="seen").one_or_none() or AudienceGroup(
        code="seen", label="测试服务对象", sort_order=99, active=True
    )
    day = CalendarDay(day=date(2032, 10, 8), kind="holiday", name="国庆节")
    # Seeded by its migration, like the audience list: the rule for an item's opening hours.
    rule = session.query(CompletenessRule).filter_by(subject="service_item", field="service_hours")
    session.add_all([capability, setting, audience, day])
    session.flush()
    return {
        "CalendarDayView": day,
        "CompletenessRuleView": rule.one(),
        "CapabilityView": capability,
        "FindingSettingView": setting,
        "AudienceGroupView": audience,
        "ServiceItemView": item,
        "MaterialView": item.materials[0],
        "ProcessNodeView": item.nodes[0],
        "InformationSystemView": f.complete_system(session, code="SYS-SEEN"),
        "ContactView": f.complete_contact(session),
        "RectificationTaskView": f.rectification_task(session),
        "DepartmentView": f.department(session, "T02"),
        "CampaignView": camp,
        "CampaignPhaseView": f.campaign_phase(session, camp),
        "TrainingRecordView": f.training_record(session),
        "HallDrillView": f.hall_drill(session),
    }


def editable_views():
    return sorted(
        type(v).__name__
        for v in appbuilder.baseviews
        if isinstance(v, ConsoleModelView) and "can_edit" in (v.base_permissions or ["can_edit"])
    )


def _state(session, record):
    session.expire_all()
    fresh = session.get(type(record), inspect(record).identity[0])
    return fresh.version, fresh.updated_at


def test_every_editable_view_is_covered(app, db_session):
    assert editable_views() == sorted(_records(db_session))


@pytest.mark.parametrize(
    "seen", [None, "", "abc", "1.0", "-1", "²", "99999999999999999999"], ids=repr
)
def test_edit_without_a_usable_version_seen_is_refused(client_as, db_session, seen):
    records = _records(db_session)
    db_session.commit()
    admin = client_as("admin")
    for view_name, record in records.items():
        view = next(v for v in appbuilder.baseviews if type(v).__name__ == view_name)
        url = f"/{view.route_base.strip('/')}/edit/{record.id}"
        fields = edit_form(admin, url)
        before = _state(db_session, record)
        data = {k: v for k, v in fields.items() if k != "version_seen"}
        if seen is not None:
            data["version_seen"] = seen
        response = admin.post(url, data=data)
        assert response.status_code == 200, f"{view_name}: refused, the form is shown again"
        assert "请重新加载后再编辑，您的修改未保存" in response.text, view_name
        assert "重新加载</a>" in response.text, view_name
        assert _state(db_session, record) == before, f"{view_name}: nothing changed"


def test_the_same_form_with_its_version_saves(client_as, db_session):
    """The control: what the refusals posted is a valid edit once the version is there."""
    records = _records(db_session)
    db_session.commit()
    admin = client_as("admin")
    for view_name, record in records.items():
        view = next(v for v in appbuilder.baseviews if type(v).__name__ == view_name)
        url = f"/{view.route_base.strip('/')}/edit/{record.id}"
        fields = edit_form(admin, url)
        version, _at = _state(db_session, record)
        if view_name == "FindingSettingView":
            continue  # its only text is checked JSON; tests/test_findings.py saves it
        if view_name == "CompletenessRuleView":  # its only field is the level
            edit = {"level": "optional" if fields["level"] != "optional" else "recommended"}
        else:
            changed = next(
                k for k in ("name", "title", "notes", "display_name", "label") if k in fields
            )
            edit = {changed: fields[changed] + "（改）"}
        response = admin.post(url, data={**fields, **edit})
        assert response.status_code == 302, f"{view_name} saved"
        assert _state(db_session, record)[0] == version + 1, view_name
