"""The exchange channel: the province's 好差评 platform's ratings, imported from a file (JSON lines or CSV, all rows
or none; historical: the original time is kept, no rate limits) — and the export of ours in the same format.

``adapter`` hands each checked row to the door; ``services`` reads, checks and writes the format, ``cli`` is
``pingyi ratings import|export``. The format: docs/exchange-format.md.
"""
