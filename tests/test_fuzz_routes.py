"""No hostile URL answers 500: every GET route in app.url_map, as each role and anonymous, with
hostile path values (huge and negative numbers, non-numbers, unicode) and query arguments
(FAB's page_*, psize_*, _oc_*, _od_*, _flt_* and the console's own), plus real ids and codes so
that the pages behind the 404s are reached too.

Hypothesis draws the values with a fixed seed (derandomize) and a fixed number of examples, so
the run is the same on every machine and bounded in time (a few seconds per role).
"""

import re
from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter

from app.models.base import utcnow
from app.services.insight.figures import FIGURES
from app.services.publish import comments, publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

EXAMPLES = 200  # per role, on top of one hostile request to every route
ROLES = ("anonymous", "contact", "reviewer", "leader", "admin")
SKIPPED_ENDPOINTS = {"static", "appbuilder.static"}

HUGE = ["99999999999999999999", str(2**31), str(2**63), "1" + "0" * 40]
HOSTILE_TEXT = HUGE + [
    "-1",
    "-99999999999999999999",
    "0",
    "abc",
    "1e3",
    "0x10",
    " 1",
    "1.5",
    "²",
    "٣",
    "１２",
    "学籍",
    "../..",
    "%00",
    "\x00",
    "<script>",
    "' OR 1=1 --",
    "null",
    "asc",
    "desc",
    "𝔘𝔫𝔦",
]
COMMON_ARGS = (
    "page",
    "q",
    "dept",
    "group",
    "v",
    "code",
    "date",
    "year",
    "department",
    "item",
    "next",
    "kind",
    "pk",
)
FILTER_COLUMNS = ("name", "code", "department", "status", "kind", "username", "created_at")


@pytest.fixture
def known(app):
    """A small college with an approved item, a publication in its publicity window and one
    record of each kind, so that real ids and codes lead past the 404s (made again for each
    role: every test starts with no records)."""
    from app.extensions import db

    with app.app_context():
        session = db.session
        users = {role: f.user(session, role) for role in f.ROLE_USERS}
        item = f.complete_item(session, code="SI-FUZZ-1")
        workflow.submit(session, item, users["contact"])
        workflow.approve(session, item, users["reviewer"], PASSWORD)
        session.commit()
        today = utcnow().date()
        pub = publication.publish(
            session, users["reviewer"], PASSWORD, today - timedelta(days=1), today
        )
        comments.add_comment(session, pub, "请补充材料说明", item_code=item.code)
        system = f.complete_system(session, code="SYS-FUZZ-1")
        contact = f.complete_contact(session)
        task = f.rectification_task(session)
        camp = f.campaign(session, year=2031)
        phase = f.campaign_phase(session, camp)
        session.commit()
        decision = workflow.decisions(session, item)[0]
        ids = sorted(
            {
                item.id,
                item.materials[0].id,
                item.nodes[0].id,
                system.id,
                contact.id,
                task.id,
                camp.id,
                phase.id,
                pub.number,
                decision.id,
                users["contact"].id,
                1,
                2,
            }
        )
        texts = [
            item.code,
            "service_item",
            "contact",
            "information_system",
            "svg",
            "png",
            "zh",
            "en",
            "responsibility",
            "service",
            "items",
            "systems",
            "statistics",
            "item_sheets",
            FIGURES[0].name,
        ]
    return {"ids": ids, "texts": texts}


def get_routes(app):
    """(rule, {argument: is_integer}) of every GET route but the static files."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        routes.append(
            (rule, {k: isinstance(c, IntegerConverter) for k, c in rule._converters.items()})
        )
    return routes


def view_name(rule):
    return rule.endpoint.split(".")[0]


def build_path(rule, values):
    """The rule's path with each argument replaced by a (quoted) value."""
    path = rule.rule
    for name, value in values.items():
        path = re.sub(rf"<(?:[^<>:]+:)?{re.escape(name)}>", quote(str(value), safe=""), path)
    return path


def hostile_query(rule):
    view = view_name(rule)
    return {
        f"page_{view}": "abc",
        f"psize_{view}": "-5",
        f"_oc_{view}": "no_such_column",
        f"_od_{view}": "sideways",
        "_flt_0_name": "' OR 1=1 --",
        "_flt_1_created_at": "2026-13-45",
        "_flt_9_department": "99999999999999999999",
        "page": "²",
        "next": "//example.com",
    }


def values_strategy(known):
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from([str(i) for i in known["ids"]] + known["texts"]),
        st.integers(min_value=-(10**22), max_value=10**22).map(str),
        st.text(max_size=12),
    )


def query_strategy(rule, values):
    view = view_name(rule)
    keys = st.one_of(
        st.sampled_from(
            [f"page_{view}", f"psize_{view}", f"_oc_{view}", f"_od_{view}", *COMMON_ARGS]
        ),
        st.builds(
            "_flt_{}_{}".format,
            st.integers(min_value=0, max_value=9),
            st.sampled_from(FILTER_COLUMNS),
        ),
    )
    return st.dictionaries(keys, values, max_size=4)


def client_for(app, role):
    from tests.conftest import login

    client = app.test_client()
    if role != "anonymous":
        login(client, f.ROLE_USERS[role]["username"])
    return client


def fetch(client, path, query):
    url = path + ("?" + urlencode(query) if query else "")
    try:
        response = client.get(url)
    except Exception as error:  # TESTING propagates what would be a 500
        raise AssertionError(f"GET {url} raised {error!r}") from error
    assert response.status_code < 500, url
    return response


@pytest.mark.parametrize("role", ROLES)
def test_no_get_route_answers_500_to_hostile_values(app, known, role):
    client = client_for(app, role)
    routes = get_routes(app)
    assert len(routes) > 100, "every FAB and console route is walked"

    # 1. Every route once, every path value huge and every query argument malformed.
    for rule, arguments in routes:
        fetch(client, build_path(rule, dict.fromkeys(arguments, HUGE[0])), hostile_query(rule))

    # 2. Drawn values: hostile or real, in the path and in the query.
    values = values_strategy(known)

    @st.composite
    def requests(draw):
        rule, arguments = draw(st.sampled_from(routes))
        path_values = {
            name: draw(
                st.one_of(st.sampled_from([str(i) for i in known["ids"]]), values)
                if is_int
                else values
            )
            for name, is_int in arguments.items()
        }
        return build_path(rule, path_values), draw(query_strategy(rule, values))

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(requests())
    def walk(request):
        fetch(client, *request)

    walk()


def test_the_reported_500s_are_a_404_and_the_first_page(client, client_as, db_session):
    """The two URLs of the security test: a version number past any integer column, and a
    page argument that is not a number."""
    assert client.get("/public/versions/99999999999999999999/").status_code == 404
    admin = client_as("admin")
    f.service_item(db_session, code="SI-PAGE-1")
    db_session.commit()
    for query in ("page_ServiceItemView=abc", "psize_ServiceItemView=²", "page_ServiceItemView=-1"):
        response = admin.get(f"/serviceitemview/list/?{query}")
        assert response.status_code == 200 and "SI-PAGE-1" in response.text, query
    for path in ("/serviceitemview/show/99999999999999999999", "/users/show/1e3"):
        assert admin.get(path).status_code == 404, path
    assert client.get("/public/?q=%00").status_code == 400
