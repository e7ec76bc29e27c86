import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")

application = get_wsgi_application()

from parkos.core.secrets import require_deployment_key  # noqa: E402

require_deployment_key()
