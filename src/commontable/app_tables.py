"""Every part's app DB tables in one import, so that `Base.metadata` holds the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData

from commontable import audit  # noqa: F401
from commontable.appdb import Base
from commontable.care import models as care  # noqa: F401
from commontable.governance.decisions import models as decisions  # noqa: F401
from commontable.governance.delphi import models as delphi  # noqa: F401
from commontable.jobs import models as jobs  # noqa: F401
from commontable.members import models as members  # noqa: F401
from commontable.members import notices  # noqa: F401
from commontable.plans import models as plans  # noqa: F401
from commontable.publishing import models as publishing  # noqa: F401

METADATA: MetaData = Base.metadata
