"""The next free 事项编码 of a department: its code, a hyphen and four digits (JWC-0012), one
after the highest number the department's items already use."""

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Department, ServiceItem


def next_item_code(session: Session, department: Department) -> str:
    prefix = f"{department.code}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    codes = session.scalars(select(ServiceItem.code).where(ServiceItem.code.like(f"{prefix}%")))
    numbers = [int(m.group(1)) for code in codes if (m := pattern.match(code))]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"
