"""The WSGI application: Django, with the lean rating intake in front (pingyi.ratings.intake.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
django_application = get_wsgi_application()

from pingyi.ratings.intake.wsgi import LeanIntake  # noqa: E402 (needs the apps loaded above)

application = LeanIntake(django_application)
