"""The lean intake's statement (intake.batch.rating_submit_poster: a batch of one, the window looked up from its QR
poster inside the statement) against the portable path (intake.portable, given the window), on the cases of
test_intake_sql.py that rate a window: the same row stored, or the same error — except that a reason-tag refusal
is left to the citizen page's view (Undecided, nothing stored), which gives its own message. PostgreSQL only.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pingyi.lib.scales import Channel
from pingyi.ratings.intake import RatingInput
from pingyi.ratings.intake.batch import Undecided, rating_submit_poster
from pingyi.ratings.models import QrPoster, Rating
from tests.ratings.test_intake_sql import (  # noqa: F401 (extra: the fixture)
    CASE_STRATEGY,
    CASES,
    RATED_AT,
    Case,
    Extra,
    extra,
    outcome,
    rating_submit,
    seed,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement intake is PostgreSQL's"
)

WINDOW_TARGETS = {"window_a", "window_b", "window_odd"}
POSTER_CASES = [name for name, (case, _expect) in CASES.items() if case.target in WINDOW_TARGETS]


def _window(case: Case, world: Any, extra: Extra) -> Any:  # noqa: F811 (the imported fixture)
    return {"window_a": world.window_a, "window_b": world.window_b, "window_odd": extra.window_odd}[
        case.target
    ]


def compare(case: Case, world: Any, extra: Extra) -> tuple[Any, ...]:  # noqa: F811 (the imported fixture)
    with transaction.atomic():
        seed(case, world, extra)
        window = _window(case, world, extra)
        version = (QrPoster.objects.filter(window=window).count() or 0) + 1
        token = QrPoster.objects.create(
            window=window, version=version, expires_on=timezone.localdate() + timedelta(days=30)
        ).token
        at = RATED_AT[case.rated_at]()

        def by_poster(data: RatingInput) -> Rating:
            return rating_submit_poster(dataclasses.replace(data, window=None), token)

        portable = outcome(rating_submit, case, world, extra, at)
        try:
            lean = outcome(by_poster, case, world, extra, at)
        except Undecided:
            lean = ("undecided",)
        if portable[:2] == ("error", "InvalidRating") and portable[3] == "tags":
            assert lean in {("undecided",), portable}
        else:
            assert lean == portable
        transaction.set_rollback(True)
    return portable


@pytest.mark.parametrize("name", POSTER_CASES)
def test_the_poster_statement_agrees_on_named_cases(name: str, world: Any, extra: Extra) -> None:  # noqa: F811 (the imported fixture)
    case, expect = CASES[name]
    result = compare(case, world, extra)
    expect(result, world)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=CASE_STRATEGY.filter(lambda c: c.target in WINDOW_TARGETS))
def test_the_poster_statement_agrees_on_random_cases(case: Case, world: Any, extra: Extra) -> None:  # noqa: F811 (the imported fixture)
    compare(case, world, extra)


@given(
    retired=st.booleans(),
    expired=st.booleans(),
    channel=st.sampled_from([Channel.QR, Channel.MOBILE]),
)
@hsettings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_poster_not_current_stores_nothing(
    world: Any, retired: bool, expired: bool, channel: Channel
) -> None:
    with transaction.atomic():
        poster = QrPoster.objects.create(
            window=world.window_a,
            version=99,
            expires_on=timezone.localdate() - timedelta(days=1 if expired else -1),
            retired_at=timezone.now() if retired else None,
        )
        data = RatingInput(channel=channel, scale="five", level=5)  # type: ignore[arg-type]
        before = Rating.objects.count()
        if retired or expired:
            with pytest.raises(Undecided):
                rating_submit_poster(data, poster.token)
            with pytest.raises(Undecided):
                rating_submit_poster(data, "Wnot-a-poster")
            assert Rating.objects.count() == before
        else:
            rating = rating_submit_poster(data, poster.token)
            assert (rating.window_id, rating.unit_id) == (world.window_a.pk, world.unit_a.pk)
            assert isinstance(rating.rated_at, datetime)
        transaction.set_rollback(True)
