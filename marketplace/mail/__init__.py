"""Mail: the transport (SMTP, or .eml files without MAIL_SERVER) and the outbox (retries).

A core part (layer 0 in docs/architecture.md): every domain sends mail through here, and nothing
here imports a domain. `send_mail` sends now and raises; `queue_mail` adds to the outbox in the
caller's transaction, and `deliver_due_mail` (the `mail-outbox` job) sends it;
`deliver_after_response` sends a queued message once the current response is out (or the
current batch, `delivered_after_batch`).
"""

from marketplace.mail.outbox import (
    deliver_after_response,
    deliver_due_mail,
    delivered_after_batch,
    queue_mail,
    send_or_queue,
)
from marketplace.mail.transport import Attachment, Mail, send_mail

__all__ = [
    "Attachment",
    "Mail",
    "deliver_after_response",
    "deliver_due_mail",
    "delivered_after_batch",
    "queue_mail",
    "send_mail",
    "send_or_queue",
]
