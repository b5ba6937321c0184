"""The accountability pages (``records``: 问责处理, 纪检监察建议书, 制度机制) and their forms (``forms``)."""

from __future__ import annotations
