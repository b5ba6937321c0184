"""Tickets (工单): every 差评 or complaint routed to the unit that served, to a verified and rectified end."""

from __future__ import annotations
