"""The inspections' writes, one module per sub-domain; every step is one transaction and one audit entry.

- ``plans``: plans, the auditable draw of units, a unit added by hand;
- ``lifecycle``: one inspection's own steps (from an anomaly, start, send the 检查反馈表, close);
- ``findings``: record, confirm (查实) and conclude the findings;
- ``rectification``: the unit's plan and proof, the inspectors' verification;
- ``guards``: who may take a step, and the row locked in an allowed status.
"""

from __future__ import annotations
