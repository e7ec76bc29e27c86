from django.conf import settings
from django.core.checks import Error, Tags, register

from parkos.core.secrets import deployment_key_problem


@register(Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs):
    problem = deployment_key_problem(
        key=settings.SECRET_KEY, from_environment=settings.SECRET_KEY_FROM_ENVIRONMENT
    )
    return [Error(problem, id="parkos.E001")] if problem else []
