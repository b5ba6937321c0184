"""The one catalogue change the rollups must follow: a window moved to another hall (hall cubes key on it).

Connected in ``InsightConfig.ready`` so the catalogue stays unaware of the rollups; it covers the edit form and the
window import alike.
"""

from __future__ import annotations

from typing import Any


def remember_hall(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None:
        instance._hall_before = (
            type(instance).objects.filter(pk=instance.pk).values_list("hall_id", flat=True).first()
        )


def window_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_hall_before", None)
    if not created and before is not None and before != instance.hall_id:
        from pingyi.insight.rollups import rollups_window_moved

        rollups_window_moved(instance.pk)  # in the same transaction as the move
