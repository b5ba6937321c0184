"""Inspections (监督检查): plans, auditable draws, findings, the 检查反馈表, rectification to closure."""

from __future__ import annotations
