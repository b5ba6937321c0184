"""Official documents (检查反馈表, 督办函, 纪检监察建议书 …): the kinds registry, the districts' Word templates, rendering.

A foundation app: it imports no domain app. Each app that issues a document registers its kind (placeholders, sample
data, shipped default template) in its ``AppConfig.ready()``; inspectors replace a kind's Word template per district on
the 文书模板 page, and every document is rendered from the active template (or the shipped default).
"""

from __future__ import annotations
