"""The citizen page's answer as a ``RatingInput``, handed to the door."""

from __future__ import annotations

from django.http import HttpRequest

from pingyi.lib import scales
from pingyi.ratings.channels.citizen.forms import CitizenRatingForm
from pingyi.ratings.fingerprints import device_fingerprint, network_fingerprint
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating
from pingyi.ratings.selectors import Target

RECORD_STAGE = Rating.Stage.FINISHED  # a receipt is rated once the service is done


def submit(
    request: HttpRequest, target: Target, form: CitizenRatingForm, scale: scales.Scale, kind: str
) -> Rating:
    """Store the rating of a valid form; raises the door's RatingError."""
    data = form.cleaned_data
    record = target.record
    return rating_submit(
        RatingInput(
            # A poster scan is the 二维码 channel (counted as a scan of the window); a receipt code is 移动端.
            channel=scales.Channel.QR if record is None else scales.Channel.MOBILE,
            scale=scale,
            level=int(data["level"]),
            window=target.window if record is None else None,
            record=record,
            stage=RECORD_STAGE if record is not None else "",
            kind=kind,
            tags=list(data.get("tags") or []),
            dimensions=form.dimensions(),
            comment=data.get("comment", ""),
            phone=data.get("phone", ""),
            device_fp=device_fingerprint(request),
            network_fp=network_fingerprint(request),
        )
    )
