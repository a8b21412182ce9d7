"""The members part's API shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from commontable.members.models import OrganizationType


class OrganizationOut(BaseModel):
    """An organization at the table, with the data source name its submissions carry."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    type: OrganizationType
    data_source: str
    npi: str | None
    parent_id: int | None


class NoticeOut(BaseModel):
    """A notice to the signed-in person: what happened, and a link (a path in the app)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None
