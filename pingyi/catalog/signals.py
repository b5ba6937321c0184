"""The one catalogue change derived data must hear of: a window moved to another hall (the cubes key on the hall).

Connected in ``CatalogConfig.ready``; it covers the edit form and the window import alike, and tells the change
feed (``pingyi.derived``) in the same transaction as the move. The catalogue knows no reader of the feed.
"""

from __future__ import annotations

from typing import Any

from pingyi.catalog.models import Window
from pingyi.derived.choices import Source
from pingyi.derived.feed import window_changed

_HALL_BEFORE = "_hall_before"  # set on the instance between pre_save and post_save


def remember_hall(sender: type[Window], instance: Window, **kwargs: Any) -> None:
    if instance.pk is not None:
        before = Window.objects.filter(pk=instance.pk).values_list("hall_id", flat=True).first()
        setattr(instance, _HALL_BEFORE, before)


def window_saved(sender: type[Window], instance: Window, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, _HALL_BEFORE, None)
    if not created and before is not None and before != instance.hall_id:
        window_changed(instance.pk, source=Source.CATALOG)
