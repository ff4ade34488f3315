"""The ASGI application built from the environment, for process managers that import it by name:

    uvicorn adapters.http.asgi:app --workers 2     (each worker builds its own container and connections)"""

from __future__ import annotations

from adapters.http.app import create_app

app = create_app()
