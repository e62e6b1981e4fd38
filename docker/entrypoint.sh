#!/bin/sh
# PutRight's container entrypoint: the same `putright` command, with two roles of its own.
#
#   web      wait for the database, migrate (unless PUTRIGHT_MIGRATE=0), then gunicorn
#            (config/gunicorn.py: PUTRIGHT_BIND, PUTRIGHT_WEB_WORKERS, PUTRIGHT_WEB_TIMEOUT)
#   worker   wait for the database, then `putright worker` (background tasks and periodic jobs)
#   other    any `putright` subcommand: `demo`, `createsuperuser`, `backup FILE`, `migrate` ...
#
# example: docker compose run --rm web createsuperuser
set -eu

PUTRIGHT=${PUTRIGHT:-putright}
GUNICORN=${GUNICORN:-gunicorn}
WAIT=${PUTRIGHT_DB_WAIT:-60}

if [ "$#" -eq 0 ]; then
  set -- web
fi

role=$1
case "$role" in
  web)
    shift
    "$PUTRIGHT" dbready --wait "$WAIT"
    if [ "${PUTRIGHT_MIGRATE:-1}" != 0 ]; then
      "$PUTRIGHT" migrate --noinput
    fi
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
      find "$PROMETHEUS_MULTIPROC_DIR" -type f -name '*.db' -delete
    fi
    exec "$GUNICORN" -c python:config.gunicorn config.wsgi "$@"
    ;;
  worker)
    shift
    "$PUTRIGHT" dbready --wait "$WAIT"
    exec "$PUTRIGHT" worker "$@"
    ;;
  -h|--help|help)
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
    ;;
  *)
    exec "$PUTRIGHT" "$@"
    ;;
esac
