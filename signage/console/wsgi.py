"""The WSGI application (after :func:`signage.console.setup.configure`)."""

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
