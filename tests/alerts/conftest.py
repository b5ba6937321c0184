"""The alert tests' fixture: a ``Plant`` of ratings and service records (see alerts_builders.py)."""

from __future__ import annotations

from typing import Any

import pytest
from alerts_builders import Plant


@pytest.fixture
def plant(world: Any) -> Plant:
    return Plant()
