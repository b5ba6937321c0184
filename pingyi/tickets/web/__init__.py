"""The tickets' pages and their forms: ``tickets`` (the back office), ``public`` (the citizen's side), ``forms``."""

from __future__ import annotations
