"""Departments (matched by code or name), one demo user per role, and each department's
contacts (attachment 1)."""

import random
import secrets
import string
from collections import namedtuple

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.extensions import appbuilder
from app.models import Contact, Department
from app.security.roles import (
    AUDIT_ADMIN,
    CONTACT,
    HANDLER,
    IT_ADMIN,
    LEADER,
    PROCESS_ADMIN,
    REVIEWER,
    SECURITY_ADMIN,
)
from app.services.catalog import completeness
from app.services.demo.data import departments as department_data
from app.services.demo.data import people as people_data
from app.services.demo.reviews import workflow_fields, write_reviews
from app.services.demo.rows import (
    EMAIL_DOMAIN,
    Context,
    DeptRef,
    Draft,
    insert_returning,
    record_rng,
    stamps,
)

CONTACT_DUTIES = {
    "both": ((True, True),),
    "split": ((True, False), (False, True)),
    "processes_only": ((True, False),),
    "systems_only": ((False, True),),
    "none": (),
}

DemoUser = namedtuple("DemoUser", "username role department first_name")
DEMO_USERS = (
    DemoUser("demo_contact", CONTACT, "JWC", "联系人"),
    DemoUser("demo_reviewer", REVIEWER, "DZB", "审核员"),
    DemoUser("demo_itadmin", IT_ADMIN, "XXZX", "管理员"),
    DemoUser("demo_leader", LEADER, None, "校领导"),
    DemoUser("demo_security", SECURITY_ADMIN, "XXZX", "安全管理员"),
    DemoUser("demo_auditor", AUDIT_ADMIN, "XXZX", "审计管理员"),
    DemoUser("demo_procadmin", PROCESS_ADMIN, "JWC", "流程管理员"),
    DemoUser("demo_handler", HANDLER, "JWC", "办理人"),
)
DEMO_LAST_NAME = "演示"
PASSWORD_LENGTH = 16
PASSWORD_CLASSES = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#$%^&*-_=+?")


def strong_password(length: int = PASSWORD_LENGTH) -> str:
    """A random password with upper and lower case letters, digits and symbols."""
    chars = [secrets.choice(group) for group in PASSWORD_CLASSES]
    alphabet = "".join(PASSWORD_CLASSES)
    chars += [secrets.choice(alphabet) for _i in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


# --- departments and users ----------------------------------------------------------------------


def seed_departments(session: Session, counts: dict[str, int]) -> dict[str, DeptRef]:
    """The 30 departments, matched by code (or by name, which is unique too)."""
    rows = session.scalars(select(Department)).all()
    by_code = {row.code: row for row in rows}
    by_name = {row.name: row for row in rows}
    found = []
    for order, spec in enumerate(department_data.DEPARTMENTS, 1):
        phone, office = _department_profile(spec)
        row = by_code.get(spec.code) or by_name.get(spec.name)
        if row is None:
            row = Department(
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                phone=phone,
                leader_in_charge=department_data.LEADERS[order % len(department_data.LEADERS)],
                sort_order=order,
            )
            session.add(row)
            counts["departments"] += 1
        found.append((spec, row, office))
    session.flush()
    return {
        spec.code: DeptRef(
            row.id,
            spec.code,
            row.name,
            spec.kind,
            spec.posts,
            row.phone or _department_profile(spec)[0],
            office,
        )
        for spec, row, office in found
    }


def _department_profile(spec):
    rng = record_rng("department", spec.code)
    phone = f"0816-{rng.randint(2200000, 2299999)}"
    office = f"{rng.choice(department_data.BUILDINGS)}{rng.randint(1, 5)}{rng.randint(1, 20):02d}室"
    return phone, office


def seed_users(
    departments: dict[str, DeptRef], counts: dict[str, int]
) -> list[tuple[DemoUser, str]]:
    """One demo user per role; returns [(spec, password)] of those created now."""
    sm = appbuilder.sm
    created = []
    for spec in DEMO_USERS:
        if sm.find_user(username=spec.username):
            continue
        password = strong_password()
        user = sm.add_user(
            spec.username,
            spec.first_name,
            DEMO_LAST_NAME,
            f"{spec.username}@{EMAIL_DOMAIN}",
            sm.find_role(spec.role),
            password=password,
            commit=False,
        )
        if not user:
            raise RuntimeError(_("无法创建演示用户 {username}。").format(username=spec.username))
        user.department_id = departments[spec.department].id if spec.department else None
        user.source = "local"
        created.append((spec, password))
    counts["users"] = len(created)
    return created


# --- contacts -----------------------------------------------------------------------------------


def seed_contacts(session: Session, ctx: Context, counts: dict[str, int]) -> None:
    existing = set(session.execute(select(Contact.department_id, Contact.name)).all())
    rows = [
        row
        for dept in ctx.departments.values()
        for row in _contact_rows(dept, ctx)
        if (row["department_id"], row["name"]) not in existing
    ]
    ids = insert_returning(session, Contact, rows, "department_id", "name")
    counts["contacts"] += len(rows)
    reviewed = [
        (
            ids[(row["department_id"], row["name"])],
            row,
            Draft(Contact, row, department=ctx.by_id[row["department_id"]]),
        )
        for row in rows
    ]
    write_reviews(session, "contact", reviewed, ctx, counts)


def _contact_rows(dept, ctx):
    """Attachment 1: one contact with both duties, or two sharing them; a few incomplete."""
    rng = record_rng("contacts", dept.code)
    pattern = department_data.INCOMPLETE_CONTACTS.get(dept.code) or (
        "both" if rng.random() < 0.7 else "split"
    )
    rows, names = [], set()
    for knows, administers in CONTACT_DUTIES[pattern]:
        name = person_name(rng, names)
        staff_no = f"{rng.randint(1998, 2022)}{rng.randint(1, 9999):04d}"
        row = {
            "name": name,
            "staff_no": staff_no,
            "post": rng.choice(dept.posts),
            "phone": _mobile(rng),
            "email": f"{staff_no}@{EMAIL_DOMAIN}",
            "knows_processes": knows,
            "administers_systems": administers,
            "department_id": dept.id,
            **stamps(ctx),
        }
        draft = Draft(Contact, row)
        row.update(
            workflow_fields(rng, not completeness.missing_for_contact(draft), ctx, dept.code)
        )
        rows.append(row)
    return rows


def person_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        given = "".join(
            rng.choice(people_data.GIVEN_NAME_CHARS) for _i in range(rng.choice((1, 2, 2)))
        )
        name = rng.choice(people_data.SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def _mobile(rng):
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
