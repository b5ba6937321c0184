"""Errors of rating intake: each has a stable code, an HTTP status and a message in Chinese."""

from __future__ import annotations


class RatingError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidRating(RatingError):
    status, code = 422, "invalid"


class TargetNotFound(RatingError):
    status, code = 404, "not_found"


class TargetRetired(RatingError):
    status, code = 410, "retired"


class AlreadyRated(RatingError):
    status, code = 409, "already_rated"

    def __init__(self, message: str = "该办件已评价，无需重复评价", **kwargs: str) -> None:
        super().__init__(message, **kwargs)


class RateLimited(RatingError):
    status, code = 429, "rate_limited"
