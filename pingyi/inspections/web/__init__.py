"""The inspections' pages and their forms: ``inspections`` (one inspection and its steps), ``plans`` (plans, draws,
inspections from anomalies), ``forms``."""

from __future__ import annotations
