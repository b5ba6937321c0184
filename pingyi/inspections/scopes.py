"""Scope rules of inspections (see pingyi.accounts.scopes).

Plans, draws and templates are the inspectors' alone. A unit admin's rule reaches its own unit's inspections, but the
selectors (``selectors.py``) add the second condition: only once the feedback form has been sent.
"""

from __future__ import annotations

from pingyi.accounts.scopes import ScopeRule, register
from pingyi.inspections.models import (
    DocumentTemplate,
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
register(DocumentTemplate, ScopeRule(district="district"))
register(FindingType, ScopeRule(district=None))
register(Inspection, ScopeRule(district="district", unit="unit"))
register(Finding, ScopeRule(district="inspection__district", unit="inspection__unit"))
register(Rectification, ScopeRule(district="inspection__district", unit="inspection__unit"))
register(FeedbackForm, ScopeRule(district="inspection__district", unit="inspection__unit"))
