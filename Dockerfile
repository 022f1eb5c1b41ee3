# FastOpp Django: one image for every Procfile process.
#   docker build -t fastopp-django .
#   docker run --rm --env-file .env fastopp-django python manage.py migrate --noinput   # release
#   docker run --env-file .env -p 8000:8000 fastopp-django                             # web (CMD)
#   docker run --env-file .env fastopp-django python manage.py run_worker --queue-name "*" --interval 1
# compose.yaml runs all of them with PostgreSQL and an S3 server.
ARG BASE_IMAGE=python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore
# `python3 -m venv` works on the official Python images and on Debian's python3 alike.
RUN python3 -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip /opt/venv/bin/pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . .
# Production mode selects WhiteNoise's hashed, compressed manifest storage. collectstatic is a
# build step: it starts without SECRET_KEY or ALLOWED_HOSTS, so no secret enters the image.
RUN ENVIRONMENT=production /opt/venv/bin/python manage.py collectstatic --noinput \
 && /opt/venv/bin/python -m compileall -q /app

FROM ${BASE_IMAGE}
# PORT, WEB_CONCURRENCY and FORWARDED_ALLOW_IPS are the Procfile's defaults; gunicorn reads them
# from the environment, so the command needs no shell and platforms may override each one.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8000 \
    WEB_CONCURRENCY=2 \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1
RUN groupadd --gid 10001 app && useradd --uid 10001 --gid app --create-home --home-dir /home/app app
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
# The code stays root-owned (read-only to the app); only the local-disk folders are writable.
RUN mkdir -p /app/uploads /app/backups /app/data && chown app:app /app/uploads /app/backups /app/data
WORKDIR /app
USER app
EXPOSE 8000
CMD ["gunicorn", "fastopp_site.asgi:application", "--worker-class", "uvicorn_worker.UvicornWorker", "--timeout", "120", "--graceful-timeout", "30", "--keep-alive", "5", "--no-control-socket", "--access-logfile", "-"]
