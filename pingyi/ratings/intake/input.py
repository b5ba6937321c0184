"""What a channel hands the door: one rating as the channel knows it (``RatingInput``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.models import Device, Rating
from pingyi.ratings.tagdata import CURRENT_VERSION

if TYPE_CHECKING:
    from pingyi.accounts.models import User


@dataclass
class RatingInput:
    """Everything a channel knows about one rating; the service fills in the rest."""

    channel: scales.Channel
    scale: scales.Scale
    level: int
    unit: Unit | None = None
    window: Window | None = None
    record: ServiceRecord | None = None
    item: ServiceItem | None = None
    staff: Staff | None = None
    stage: str = ""
    kind: str = Rating.Kind.FIRST
    follows: Rating | None = None
    tags: list[str] = field(default_factory=list)
    tag_version: str = CURRENT_VERSION
    dimensions: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    phone: str = ""
    rated_at: datetime | None = None
    device: Device | None = None
    device_fp: str = ""
    network_fp: str = ""
    entered_by: User | None = None
    external_ref: str = ""
    is_default: bool = False
    # Historical imports skip the rate limits and the office-hours flag (the time is the original one).
    historical: bool = False
