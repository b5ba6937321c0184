"""The draw (随机抽取) of units to inspect: who the candidates are, and a pick anyone can redo by hand.

The pick needs nothing but SHA-256: each candidate gets the score ``sha256(f"{seed}:{code}")`` (hex), and the
``count`` candidates with the smallest scores are picked, in that order. With the stored seed and candidate list,
``echo -n "<seed>:<code>" | sha256sum`` for each candidate and a sort reproduce the draw without this code.
The seed is made at random (``secrets``) when the draw is made, and stored before the picks are shown.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from pingyi.catalog.models import District, Unit
from pingyi.ledger.models import ServiceRecord


def new_seed() -> str:
    return secrets.token_hex(16)


def score(seed: str, code: str) -> str:
    return hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()


def pick(seed: str, candidates: list[dict[str, Any]], count: int) -> list[int]:
    """The ids of the ``count`` candidates with the smallest scores (ties cannot happen: codes are unique)."""
    ranked = sorted(candidates, key=lambda c: score(seed, str(c["code"])))
    return [int(c["id"]) for c in ranked[:count]]


def _as_candidates(units: Any) -> list[dict[str, Any]]:
    return [{"id": u.pk, "code": u.code, "name": u.name} for u in units.order_by("code")]


def all_units(district: District) -> list[dict[str, Any]]:
    """Every unit taking part in the evaluation (随机查)."""
    return _as_candidates(Unit.objects.filter(district=district, active=True))


def quiet_units(district: District, days: int) -> list[dict[str, Any]]:
    """Units that entered no service record in the last ``days`` days (重点查: long without uploads)."""
    since = timezone.now() - timedelta(days=days)
    recent = ServiceRecord.objects.filter(unit=OuterRef("pk"), entered_at__gte=since)
    return _as_candidates(Unit.objects.filter(district=district, active=True).filter(~Exists(recent)))
