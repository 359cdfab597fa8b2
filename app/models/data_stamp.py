"""Data-version stamp (数据版本戳): a counter that moves whenever statistics' inputs change.

One row per topic (only ``"statistics"`` today).
`app.services.trail.data_version` bumps it in the same
transaction as the change, so every worker process reading it after the commit sees the new
value and stops serving charts cached under the old one.
"""

from flask_appbuilder import Model
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class DataStamp(Model):
    """A named counter; its value is part of every cached chart's key."""

    __tablename__ = "data_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    counter: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
