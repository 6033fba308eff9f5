"""The original architecture, as the web service this program replaces ran it: a Celery 5
worker with a Redis broker, one task per email, and a new SMTP connection (STARTTLS + AUTH
when the sink asks for it) per task. Started by bench/run.py; not used by the program.
"""
from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from celery import Celery

app = Celery("bench", broker=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"))
app.conf.update(
    task_ignore_result=True,
    task_serializer="json",
    accept_content=["json"],
    task_default_queue="bench",
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)

USER = os.environ.get("BENCH_SMTP_USER", "")
PASSWORD = os.environ.get("BENCH_SMTP_PASSWORD", "")
FROM = os.environ.get("BENCH_FROM", "bench@example.org")


@app.task(name="bench.send_email")
def send_email(bench_id: str, to: str, subject: str, body: str, port: int, tls: bool) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = FROM
    msg["To"] = to
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="example.org")
    msg["X-Bench-Id"] = bench_id
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, local_hostname="localhost", timeout=30) as conn:
        if tls:
            conn.starttls(context=ssl.create_default_context())
            conn.login(USER, PASSWORD)
        conn.send_message(msg)
