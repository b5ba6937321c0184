"""The back-office list of ratings: filters, and reason tags shown in words."""

from __future__ import annotations

from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit


def test_reason_tags_are_shown_by_their_words_and_the_negative_filter_works(world):
    rating_submit(
        RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=1, window=world.window_a, tags=["113"])
    )
    rating_submit(
        RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, window=world.window_a, comment="很好")
    )
    client = world.client("unit_a")
    body = client.get("/ratings/?negative=1").content.decode()
    assert "多头跑窗口和部门" in body and "很好" not in body
    assert "很好" in client.get("/ratings/").content.decode()
