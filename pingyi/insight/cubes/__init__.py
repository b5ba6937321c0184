"""The rollups (decisions 0015, 0019): wide cubes of counts per place and local day (and month).

``grains`` says which cube holds which places and picks one for a question, ``columns`` lays out their count
columns, ``recount`` and ``cumulative`` fill them from the raw rows, ``rollups`` keeps them equal to the raw rows
through the change feed (decision 0026). The cube models are in ``pingyi.insight.models``.
"""
