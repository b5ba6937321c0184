"""Scope rules of inspections (see pingyi.accounts.scopes).

Plans, draws, findings, rectifications and stored forms are the inspectors' alone under these rules, so
that another app restricting them never shows a unit an inspection it has not been told about. A unit admin's rule
reaches its own unit's inspections (the navigation needs it), and the selectors (``selectors.py``) add the second
condition: only once the feedback form has been sent; the unit then reads findings and files through the inspection.
"""

from __future__ import annotations

from pingyi.accounts.scopes import ScopeRule, register
from pingyi.inspections.models import (
    Draw,
    FeedbackForm,
    Finding,
    FindingType,
    Inspection,
    InspectionPlan,
    Rectification,
)

register(InspectionPlan, ScopeRule(district="district"))
register(Draw, ScopeRule(district="plan__district"))
register(FindingType, ScopeRule(district=None))
register(Inspection, ScopeRule(district="district", unit="unit"))
register(Finding, ScopeRule(district="inspection__district"))
register(Rectification, ScopeRule(district="inspection__district"))
register(FeedbackForm, ScopeRule(district="inspection__district"))
