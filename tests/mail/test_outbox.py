"""The outbox: real SMTP delivery, retries with exponential backoff, failures visible to admins."""

from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from marketplace import signals
from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.mail import Attachment, Mail, outbox
from marketplace.mail.models import MailMessage, MailStatus
from marketplace.mail.transport import Sender, build_message
from tests.conftest import Inbox, free_port
from tests.reporting.conftest import at


def queue(key=None, to="a@example.org"):
    message = outbox.queue_mail(
        Mail(
            to=to,
            subject="Hallo",
            text="Tekst",
            html="<p>Tekst</p>",
            attachments=[Attachment("x.pdf", b"%PDF-1.7 test")],
            headers={"List-Unsubscribe": "<https://example.org/u>"},
        ),
        key=key,
    )
    db.session.commit()
    return message


def test_queued_mail_is_delivered_once_over_smtp(app, smtp):
    message = queue()

    first = outbox.deliver_due_mail()
    second = outbox.deliver_due_mail()

    assert (first.sent, second.sent) == (1, 0)
    assert len(smtp.messages) == 1
    received = smtp.messages[0]
    assert received["Subject"] == "Hallo"
    assert received["Message-ID"] == message.message_id
    assert received["List-Unsubscribe"] == "<https://example.org/u>"
    assert [p.get_content() for p in received.iter_attachments()] == [b"%PDF-1.7 test"]
    db.session.refresh(message)
    assert message.status == MailStatus.SENT


def test_same_key_is_queued_once(app):
    assert queue(key="k-1") is not None
    assert queue(key="k-1") is None
    assert len(db.session.scalars(select(MailMessage).where(MailMessage.key == "k-1")).all()) == 1


def test_failed_delivery_is_retried_with_exponential_backoff(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    monkeypatch.setitem(app.config, "MAIL_BACKOFF_SECONDS", 60)
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    message = queue()
    now = at(2026, 11, 1, 10)
    message.next_attempt_at = now
    db.session.commit()

    assert outbox.deliver_due_mail(now=now).retried == 1
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MailStatus.QUEUED, 1)
    assert message.next_attempt_at == now + timedelta(seconds=60)
    assert "ConnectionRefusedError" in message.last_error

    assert outbox.deliver_due_mail(now=now + timedelta(seconds=59)).retried == 0  # not due yet
    assert outbox.deliver_due_mail(now=now + timedelta(seconds=60)).retried == 1
    db.session.refresh(message)
    assert message.next_attempt_at == now + timedelta(seconds=60 + 120)  # doubled

    assert outbox.deliver_due_mail(now=now + timedelta(seconds=180)).failed == 1
    db.session.refresh(message)
    assert (message.status, message.attempts) == (MailStatus.FAILED, 3)


def test_retry_after_the_server_is_back_delivers(app, smtp, monkeypatch):
    port = app.config["MAIL_PORT"]
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    message = queue()
    now = at(2026, 11, 1, 10)
    message.next_attempt_at = now
    db.session.commit()
    outbox.deliver_due_mail(now=now)
    monkeypatch.setitem(app.config, "MAIL_PORT", port)

    result = outbox.deliver_due_mail(now=now + timedelta(minutes=2))

    assert result.sent == 1
    assert len(smtp.messages) == 1


def test_a_stale_sending_claim_is_taken_over_after_the_lease(app, smtp):
    message = queue()
    now = at(2026, 11, 1, 10)
    message.status = MailStatus.SENDING  # a delivery run died mid-send
    message.claimed_at = now
    message.claim_token = "dead"
    db.session.commit()

    assert outbox.deliver_due_mail(now=now + timedelta(minutes=5)).sent == 0
    assert outbox.deliver_due_mail(now=now + timedelta(minutes=11)).sent == 1


def test_admin_sees_failed_mail(app, client, login, make_user):
    message = queue(to="failed@example.org")
    message.status = MailStatus.FAILED
    message.last_error = "SMTPRecipientsRefused"
    db.session.commit()
    admin = make_user(role=Role.ADMIN)
    login(admin)

    page = client.get("/impact-reports/admin/failed-mail")

    assert page.status_code == 200
    assert "failed@example.org" in page.get_data(as_text=True)
    assert "SMTPRecipientsRefused" in page.get_data(as_text=True)


def test_failed_mail_page_is_for_admins_only(app, client, login, make_user):
    login(make_user())
    assert client.get("/impact-reports/admin/failed-mail").status_code == 403


def test_each_delivered_mail_is_announced_once_after_its_commit(app):
    heard = []

    def receiver(_sender, **facts):
        row = db.session.get(MailMessage, facts["message_id"], populate_existing=True)
        heard.append((facts, row.status))

    first, second = queue(key="k-first"), queue()
    with signals.mail_sent.connected_to(receiver):
        outbox.deliver_due_mail()
        outbox.deliver_due_mail()

    assert heard == [
        ({"message_id": first.id, "key": "k-first", "report_id": None}, MailStatus.SENT),
        ({"message_id": second.id, "key": None, "report_id": None}, MailStatus.SENT),
    ]


def test_a_failed_delivery_is_not_announced(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    heard = []
    queue()
    with signals.mail_sent.connected_to(lambda _sender, **facts: heard.append(facts)):
        assert outbox.deliver_due_mail().retried == 1
    assert heard == []


def test_a_run_delivers_every_due_mail_over_one_connection(app, smtp):
    for n in range(5):
        queue(key=f"many-{n}")

    result = outbox.deliver_due_mail(limit=2)  # three batches of at most two

    assert result.sent == 5
    assert len(smtp.messages) == 5
    assert len(set(smtp.peers)) == 3  # one SMTP connection per batch, not per mail


def test_a_connection_the_server_dropped_is_opened_again(app, monkeypatch):
    inbox, port = Inbox(), free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    first = Controller(inbox, hostname="127.0.0.1", port=port)
    first.start()
    with Sender() as sender:
        sender.send(build_message(Mail("a@example.org", "een", "x")))
        first.stop()  # the server restarts (or closes an idle session) between two mails
        second = Controller(inbox, hostname="127.0.0.1", port=port)
        second.start()
        try:
            sender.send(build_message(Mail("a@example.org", "twee", "x")))
        finally:
            second.stop()

    assert [message["Subject"] for message in inbox.messages] == ["een", "twee"]
    assert len(set(inbox.peers)) == 2


def test_an_unreachable_server_leaves_the_rest_of_the_run_queued(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    messages = [queue(key=f"down-{n}") for n in range(3)]

    result = outbox.deliver_due_mail()

    assert (result.sent, result.retried, result.unreachable) == (0, 1, True)
    for message in messages:
        db.session.refresh(message)
    assert [m.attempts for m in messages] == [1, 0, 0]  # the others were not tried in vain
    assert {m.status for m in messages} == {MailStatus.QUEUED}


def test_a_job_run_stops_after_its_time(app, smtp, monkeypatch):
    queue(key="later")
    monkeypatch.setitem(app.config, "MAIL_DELIVERY_SECONDS", 0)
    assert outbox.deliver_due_mail().sent == 0  # the next run of the job goes on
    monkeypatch.setitem(app.config, "MAIL_DELIVERY_SECONDS", 50)
    assert outbox.deliver_due_mail().sent == 1
