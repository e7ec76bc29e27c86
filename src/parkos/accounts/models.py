import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkos.accounts.fields import ReferenceIdField
from parkos.core.scoping import ScopedQuerySet


class OwnRowsQuerySet(ScopedQuerySet):
    """Memberships and tokens are seen by the user they belong to; who may act where is
    asked of accounts.selectors, which read them for the user in question."""

    def visible_to(self, actor):
        if self.anonymous(actor):
            return self.none()
        return self.filter(user=actor)


class Role(models.TextChoices):
    OPERATOR_ADMIN = "operator_admin", _("Park operator admin")
    IOC_OPERATOR = "ioc_operator", _("Operations center operator")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    DISPATCHER = "dispatcher", _("Dispatcher")
    TECHNICIAN = "technician", _("Technician")
    ENTERPRISE_ADMIN = "enterprise_admin", _("Enterprise admin")
    ENTERPRISE_MEMBER = "enterprise_member", _("Enterprise member")
    PROVIDER = "provider", _("Service provider")
    INSTITUTION = "institution", _("Research institution")
    BROKER = "broker", _("Technology broker")
    CANDIDATE = "candidate", _("Candidate")
    REVIEWER = "reviewer", _("Reviewer")


ENTERPRISE_ROLES = (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER)
PROPERTY_ROLES = (Role.PROPERTY_MANAGER, Role.DISPATCHER, Role.TECHNICIAN)


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def save(self, *args, **kwargs):
        # Here rather than in a service: passwords change through Django's own forms, the admin
        # and `changepassword`, and users are deactivated in the admin; every path saves.
        password_changed = self._password is not None and not self._state.adding
        deactivated = getattr(self, "_loaded_active", None) is True and self.is_active is False
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active
        if password_changed or deactivated:
            api_tokens_revoke(user=self)


def token_cache_key(key_hash: str) -> str:
    return f"accounts:token:{key_hash}"


def api_tokens_revoke(*, user: "User", pk=None) -> int:
    """Revoke a user's live tokens (or one of them) and drop their cached sign-ins at once."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if pk is not None:
        tokens = tokens.filter(pk=pk)
    hashes = list(tokens.values_list("key_hash", flat=True))
    revoked = tokens.update(revoked_at=timezone.now())
    cache.delete_many([token_cache_key(key_hash) for key_hash in hashes])
    return revoked


class Membership(models.Model):
    """A user's role in one place of the network. The scope is a park (operators, IOC,
    reviewers), an enterprise (its admins and members), or an organisation of another app
    (a property company, a service provider). Parks and enterprises are held by id and
    organisations generically, so accounts need not know those apps."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Ids of the park network's rows, not foreign keys: accounts sits below parks.
    park = ReferenceIdField(_("park"), null=True, blank=True, db_index=True)
    enterprise = ReferenceIdField(_("enterprise"), null=True, blank=True, db_index=True)
    organization_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organization_id = models.CharField(max_length=64, blank=True)
    organization = GenericForeignKey("organization_type", "organization_id")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["organization_type", "organization_id"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its hash is stored: a leaked database leaks no usable token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, default="api")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Null is never left: token_create sets it and migration 0004 gave older tokens one.
    expires_at = models.DateTimeField(_("expires"), null=True, db_index=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = OwnRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
