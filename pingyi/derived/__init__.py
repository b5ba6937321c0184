"""One change feed for derived data (docs/decisions/0026).

Writers say which (district, local day)s changed (``feed.days_changed``); the derived tables — the insight cubes,
the oversight facts — subscribe in their ``AppConfig.ready`` (``registry.subscribe``) and take the changes past
their own watermark (``readers.take``). No writer imports a reader, and no reader keeps its own dirty-day
bookkeeping.
"""
