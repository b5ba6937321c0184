"""The device channel: the applicant rates a service record on the window's evaluation pad or terminal, which posts
it to the device API (``/api/v1/device/ratings``, the device's own token, an Idempotency-Key).

``adapter`` hands the rating to the door; ``api`` is the API (ninja router), ``services`` registers, finds and
deactivates devices.
"""
