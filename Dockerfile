# PutRight's image: the built wheel installed, static files collected at build, run as a
# non-root user, with the same `putright` command behind docker/entrypoint.sh:
#   docker run IMAGE web        gunicorn (migrates first unless PUTRIGHT_MIGRATE=0)
#   docker run IMAGE worker     background tasks and periodic jobs
#   docker run IMAGE demo       any `putright` subcommand
# compose.yaml runs PostgreSQL, the web server and a worker together.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml MANIFEST.in README.md ./
COPY config ./config
COPY putright ./putright
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
# WeasyPrint's Pango and fonts for letters.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-liberation fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/putright --create-home putright
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY docker/entrypoint.sh /usr/local/bin/putright-entrypoint

ENV DJANGO_SETTINGS_MODULE=config.settings.production \
    PUTRIGHT_DATA_DIR=/var/lib/putright \
    PUTRIGHT_STATIC_ROOT=/opt/putright/static \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# Collected once, at build, into the image (not the data volume); whitenoise serves them.
RUN SECRET_KEY=collectstatic-only putright collectstatic --noinput -v 0

USER putright
WORKDIR /var/lib/putright
VOLUME ["/var/lib/putright"]
EXPOSE 8000
ENTRYPOINT ["putright-entrypoint"]
CMD ["web"]
