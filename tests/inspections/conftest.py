"""Inspections: the finding types are put back after a live-server flush (the migration loads them once)."""

from __future__ import annotations

from typing import Any

import pytest

from pingyi.inspections.finding_types import load_finding_types
from pingyi.inspections.models import FindingType


@pytest.fixture(autouse=True)
def finding_types(db: Any) -> None:
    load_finding_types(FindingType)
