"""The channels a rating arrives by, one package each, all of one shape:

- ``__init__.py`` says who rates through the channel and how the rating arrives;
- ``adapter.py`` turns what the channel received into a ``RatingInput`` and hands it to the door
  (``pingyi.ratings.intake.rating_submit``) — the only place the channel builds one;
- the channel's own modules beside it: its forms and views (citizen, operator), its API (device), its file format
  and command (exchange).

| channel    | who rates                                  | arrives as                                   |
|------------|--------------------------------------------|----------------------------------------------|
| `citizen`  | the applicant, on a poster's or receipt's page | `POST /r/<code>` (form or JSON)          |
| `device`   | the applicant, on the window's pad/terminal | `POST /api/v1/device/ratings`               |
| `operator` | a hotline / message-board operator, for the caller | the back-office form `/operator/ratings/new/` |
| `exchange` | the province's platform (historical import) | a JSON-lines or CSV file, `pingyi ratings import` |
| `sms`      | the applicant, replying to an invitation    | the gateway's webhook (``pingyi.sms``)      |
"""
