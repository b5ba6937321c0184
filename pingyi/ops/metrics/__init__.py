"""/metrics: Django's requests from django-prometheus (multiprocess mode under gunicorn) and the deployment's counts
read from the database at scrape time (``collector``)."""
