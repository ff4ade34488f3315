"""The ASGI application built from the environment, for process managers that import it by name:

    uvicorn adapters.http.asgi:app --workers 2     (each worker builds its own container and connections)"""

from __future__ import annotations

from adapters.bootstrap.dependency_warnings import filter_known_dependency_warnings

filter_known_dependency_warnings()  # before the app's imports pull in pyhanko

from adapters.http.app import create_app  # noqa: E402

app = create_app()
