"""An e-mail backend for tests: Django's locmem backend whose server refuses the addresses in REFUSED,
as an SMTP server refuses a recipient (the exception Django's SMTP backend lets through)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSED = {"odbijena.adresa@example.org"}


class RefusingEmailBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            refused = {address: (550, b"5.1.1 Mailbox unavailable") for address in message.to if address in REFUSED}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)
