"""The console's user: FAB's user row plus the department the user belongs to."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from flask_appbuilder.security.sqla.models import User


class ConsoleUser(User):
    """A staff member; `department_id` scopes what a department contact may see and change."""

    __tablename__ = "ab_user"

    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id"), nullable=True, index=True
    )
    department = relationship("Department", lazy="joined")
    staff_no: Mapped[str | None] = mapped_column(String(32))
    # "local" for the emergency administrator and demo users, "ldap" for directory users.
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="local")
