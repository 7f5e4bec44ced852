"""The thank-you receipt: queued once per paid gift, from one read of the gift with its
initiative and donor (the webhook's path must not lazy-load them one by one)."""

from datetime import date

from sqlalchemy import event, select

from marketplace.donations import receipts
from marketplace.extensions import db
from marketplace.mail.models import MailMessage
from tests.gifts import paid_gift


def test_a_receipt_reads_the_gift_its_initiative_and_donor_in_one_query(
    app, donor, initiative, monkeypatch
):
    gift_id = paid_gift(initiative, 25_00, date(2025, 5, 1), user=donor).id
    db.session.expire_all()  # as after the payment's commit
    delivered = []
    monkeypatch.setattr(receipts, "deliver_after_response", delivered.append)
    selects = []

    def record(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        with app.test_request_context():
            assert receipts.send_receipt(gift_id) is True
    finally:
        event.remove(db.engine, "before_cursor_execute", record)

    assert len(selects) == 1, selects
    message = db.session.scalars(select(MailMessage).where(MailMessage.key == f"receipt:{gift_id}"))
    message = message.one()
    assert initiative.name in message.subject
    assert message.to == donor.email
    assert delivered == [message.id]
    with app.test_request_context():
        assert receipts.send_receipt(gift_id) is False  # exactly once per paid gift
    assert delivered == [message.id]
