"""Every write of the operations center (see the modules for each subdomain)."""

from parkos.iot.services.alarms import (
    alarm_acknowledge,
    alarm_assign,
    alarm_clear,
    alarm_comment,
    alarm_raise,
)
from parkos.iot.services.devices import (
    credential_issue,
    credential_revoke,
    device_create,
    device_type_create,
    devices_import_csv,
    rule_create,
    rule_update,
)
from parkos.iot.services.external import (
    alarm_clear_external,
    alarm_message_refresh_external,
    alarm_raise_external,
)

__all__ = [
    "alarm_acknowledge",
    "alarm_assign",
    "alarm_clear",
    "alarm_clear_external",
    "alarm_comment",
    "alarm_message_refresh_external",
    "alarm_raise",
    "alarm_raise_external",
    "credential_issue",
    "credential_revoke",
    "device_create",
    "device_type_create",
    "devices_import_csv",
    "rule_create",
    "rule_update",
]
