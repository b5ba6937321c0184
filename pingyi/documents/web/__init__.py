"""The 文书模板 pages (``templates``), their form (``forms``), and the download answer every document page uses
(``download``)."""

from __future__ import annotations
