"""The comparison's facts (decision 0018): per-day and per-month recounts of the raw rows, kept per district.

``store`` keeps them equal to a recount (the days the change feed names, decision 0026), ``sql`` and ``months``
are the recounts, ``reading`` is what the engine reads of them, ``models`` the tables.
"""
