"""WSGI entry point (gunicorn skillfolio.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillfolio.settings")

application = get_wsgi_application()
