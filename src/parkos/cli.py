"""The `parkos` console script: Django's management commands with dashes allowed
(`parkos dispatch-eval` runs `dispatch_eval`), plus `serve` and `demo`."""

import os
import sys


def serve(*, host: str, port: int, workers: int = 1) -> None:
    """The production-grade ASGI server (uvicorn), serving static files through the app."""
    import uvicorn

    from parkos.core.log_redaction import uvicorn_log_config

    level = os.environ.get("LOG_LEVEL", "info").lower()
    uvicorn.run(
        "parkos.config.asgi:application",
        host=host,
        port=port,
        workers=workers,
        log_level=level,
        log_config=uvicorn_log_config(level),
        proxy_headers=True,
        lifespan="off",
    )


def _serve(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="parkos serve", description="Serve ParkOS over ASGI.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
    options = parser.parse_args(argv)
    serve(host=options.host, port=options.port, workers=options.workers)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkos.config.settings")
    if argv and argv[0] == "serve":
        _serve(argv[1:])
        return
    if argv and not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parkos", *argv])


if __name__ == "__main__":
    main()
