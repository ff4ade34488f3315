# 数信签 back end. Stage one builds a wheel of every dependency exactly as requirements.lock pins it (hash-checked;
# gmalglib compiles C, so the compilers stay in that stage); stage two installs only those wheels, adds the source
# and runs as an unprivileged user. One image runs `sxq serve`, `sxq worker` and `sxq migrate`.
#   docker build -t shuxinqian .
FROM python:3.11-slim-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock /tmp/requirements.lock
RUN pip wheel --no-cache-dir --require-hashes --wheel-dir /wheels -r /tmp/requirements.lock

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app \
    SXQ_HOST=0.0.0.0 SXQ_PORT=8000 SXQ_DATA_DIR=/var/lib/sxq SXQ_LOG_FORMAT=json SXQ_TRUST_PROXY=1 \
    SXQ_METRICS_ADDR=0.0.0.0:9100
RUN useradd --system --uid 10001 --home-dir /var/lib/sxq --create-home sxq
COPY requirements.lock /tmp/requirements.lock
# --no-index: nothing but the wheels built from the lock, checked against the same hashes again.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels --require-hashes -r /tmp/requirements.lock
WORKDIR /app
COPY alembic.ini pyproject.toml ./
COPY domain domain
COPY application application
COPY adapters adapters
COPY graphql_schema graphql_schema
COPY migrations migrations
RUN printf '#!/bin/sh\nexec python -m adapters.cli.main "$@"\n' > /usr/local/bin/sxq && chmod 755 /usr/local/bin/sxq
USER sxq
EXPOSE 8000 9100
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["sxq", "serve", "--http-only"]
