"""Accountability: 问责处理 of a person, 纪检监察建议书 to a unit, the 制度机制 a unit builds in reply, sanction types.

A domain app resting on tickets (found true) and inspection findings (confirmed): it imports both, neither imports it.
"""

from __future__ import annotations
