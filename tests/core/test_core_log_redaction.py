"""Device tokens, bearer tokens and secrets in query strings never reach a log line: not in the
web server's access log (uvicorn's own formatter, fed as uvicorn feeds it), not in Django's
"Not Found" warnings."""

import io
import logging
import logging.config

from django.test import Client

from parkos.core.log_redaction import uvicorn_log_config

TOKEN = "A1b2C3d4E5f6G7h8"


def _capture_uvicorn_access(stream: io.StringIO) -> logging.Logger:
    config = uvicorn_log_config("info")
    config["handlers"]["access"] = {**config["handlers"]["access"], "stream": stream}
    del config["handlers"]["access"]["class"]
    config["handlers"]["access"]["()"] = lambda stream, **_: logging.StreamHandler(stream)
    logging.config.dictConfig(config)
    return logging.getLogger("uvicorn.access")


def test_the_access_log_shows_the_request_without_the_device_token():
    stream = io.StringIO()
    logger = _capture_uvicorn_access(stream)
    # uvicorn logs each request as: client, method, full path, HTTP version, status.
    logger.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "POST",
        f"/api/v1/{TOKEN}/telemetry?access_token={TOKEN}",
        "1.1",
        200,
    )
    line = stream.getvalue()
    assert "POST /api/v1/[redacted]/telemetry?access_token=[redacted]" in line
    assert TOKEN not in line
    assert " 200" in line


def test_djangos_warnings_go_through_the_same_filter(db, caplog):
    root_handler = logging.getLogger().handlers[0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.filters = list(root_handler.filters)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        Client().get(f"/api/v1/{TOKEN}/no-such-thing", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue(), "Django logged nothing for the unknown path"
    assert TOKEN not in stream.getvalue()


def test_provisioning_is_not_mistaken_for_a_token():
    from parkos.core.log_redaction import redact

    assert redact("POST /api/v1/provision HTTP/1.1") == "POST /api/v1/provision HTTP/1.1"
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"
