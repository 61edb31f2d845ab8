"""Dependency checks for /healthz/: the database and the Celery broker."""

from django.conf import settings
from django.db import DatabaseError, connection


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return {"ok": False, "vendor": connection.vendor, "error": str(exc)[:200]}
    return {"ok": True, "vendor": connection.vendor}


def check_broker():
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "eager"}
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        return {"ok": False, "mode": "redis", "error": str(exc)[:200]}
    return {"ok": True, "mode": "redis"}


def check_all():
    database = check_database()
    broker = check_broker()
    return {
        "status": "ok" if database["ok"] and broker["ok"] else "degraded",
        "database": database,
        "broker": broker,
    }
