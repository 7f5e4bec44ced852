"""Mail delivery: how fast the outbox hands queued mail to a real SMTP server (aiosmtpd), and over
how many connections.

    .venv/bin/python bench/mail.py [--mails 2000] [--attachment-kb 60] [--job]

Queues `--mails` messages like a report's (text, HTML and a PDF attachment) in a fresh SQLite
database (or BENCH_DATABASE_URL), then delivers them as `mail deliver` does (or, with `--job`,
as the every-minute `mail-outbox` job does, counting the job runs it needs). Prints mails a
second and the SMTP connections used. The SMTP server is local and has no TLS, so the time a
connection costs here (a TCP handshake) is far less than with a real relay (TLS and a log-in
on each): the connection count is the figure that carries over.
"""

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.mail import Attachment, Mail, outbox  # noqa: E402
from tests.conftest import Inbox, free_port  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--attachment-kb", type=int, default=60)
    parser.add_argument("--job", action="store_true", help="deliver as the job's runs do")
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="bench-mail-")
    database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{instance}/mail.db"
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
        }
    )
    pdf = b"%PDF-1.7\n" + os.urandom(args.attachment_kb * 1024)
    with app.app_context():
        db.create_all()
        for n in range(args.mails):
            outbox.queue_mail(
                Mail(f"funder{n}@example.org", "Uw impactrapport", "Tekst " * 200,
                     "<p>" + "Tekst " * 200 + "</p>", [Attachment("rapport.pdf", pdf)]),
                key=f"bench-mail-{time.time_ns()}-{n}",
            )  # fmt: skip
        db.session.commit()
        started = time.perf_counter()
        runs = sent = 0
        while sent < args.mails:
            runs += 1
            delivered = outbox.deliver_due_mail() if args.job else outbox.deliver_due_mail(
                seconds=math.inf
            )  # fmt: skip
            sent += delivered.sent
            if not delivered.sent:
                break
        seconds = time.perf_counter() - started
    server.stop()
    print(f"database      {database.split('@')[-1]}")
    print(f"delivered     {sent} of {args.mails} in {seconds:.1f} s: {sent / seconds:.0f} mails/s")
    print(f"connections   {len(set(inbox.peers))} SMTP connections")
    if args.job:
        print(f"job runs      {runs} (each at most MAIL_DELIVERY_SECONDS)")


if __name__ == "__main__":
    main()
