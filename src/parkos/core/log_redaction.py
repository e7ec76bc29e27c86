"""Secrets never reach a log line. A device's token is part of its telemetry URL
(`/api/v1/<token>/telemetry`, as ThingsBoard firmware sends it), so every access log line and every
"Not Found: <path>" warning would otherwise hand the token to whoever reads the logs. The filter
rewrites the message and its string arguments in place, keeping the arguments' shape (uvicorn's
access formatter reads them by position)."""

import logging
import re

REDACTED = "[redacted]"
_PATTERNS = (
    # ThingsBoard-compatible device API: /api/v1/<token>/...
    (re.compile(r"(/api/v1/)(?!provision\b)[^/\s?\"']+"), rf"\g<1>{REDACTED}"),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\g<1>{REDACTED}"),
    (
        re.compile(
            r"(?i)([?&](?:access_?token|token|secret|password|provisionDeviceSecret)=)[^&\s\"']+"
        ),
        rf"\g<1>{REDACTED}",
    ),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacted(value):
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, bytes):
        return redact(value.decode("utf-8", "replace"))
    return value


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        return True


def uvicorn_log_config(level: str) -> dict:
    """uvicorn's own logging configuration with the filter on both of its handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = {
        **LOGGING_CONFIG,
        "filters": {"redact": {"()": "parkos.core.log_redaction.RedactSecrets"}},
        "handlers": {
            name: {**handler, "filters": ["redact"]}
            for name, handler in LOGGING_CONFIG["handlers"].items()
        },
        "loggers": {
            name: {**logger, **({"level": level.upper()} if "level" in logger else {})}
            for name, logger in LOGGING_CONFIG["loggers"].items()
        },
    }
    return config
