"""The WSGI application: Django, with the lean rating intake in front (pingyi.ratings.intake.wsgi), and in front of
both the client's address taken from a trusted proxy's X-Forwarded-For (pingyi.lib.forwarded)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
django_application = get_wsgi_application()

from django.conf import settings  # noqa: E402

from pingyi.lib.forwarded import ForwardedFor, trusted_networks  # noqa: E402
from pingyi.ratings.intake.wsgi import LeanIntake  # noqa: E402 (needs the apps loaded above)

application = ForwardedFor(LeanIntake(django_application), trusted_networks(settings.FORWARDED_ALLOW_IPS))
