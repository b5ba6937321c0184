"""The operator channel: a hotline / message-board / mayor's-line operator enters a caller's rating on the
back-office form (``/operator/ratings/new/``), naming the unit, window or item and the ticket's reference.

``adapter`` hands the rating to the door; ``views`` and ``forms`` are the back-office pages (which also hold the
window devices' management for hall managers).
"""
