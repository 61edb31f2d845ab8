"""The outbox, seen from the fault tests: queue e-mails on a stack, count what it sent."""


def queue_emails(stack, count, *, prefix):
    """Queue `count` e-mails in one transaction through the outbox (email_queue), as a mass
    mailing does; their tasks go to the stack's Redis on commit. Returns the rows' ids."""
    return stack.django(
        """
        from django.db import transaction
        from hanoi_summit.core.outbox.queue import email_queue

        with transaction.atomic():
            rows = [
                email_queue(
                    to=f"participant{i}@example.org",
                    dedupe_key=f"{params['prefix']}-{i}",
                    subject=f"Fault test {i}",
                    body_text="One of a mass mailing.",
                )
                for i in range(params["count"])
            ]
        print(json.dumps([row.pk for row in rows]))
        """,
        count=count,
        prefix=prefix,
    )


def sent_count(stack):
    return stack.value("SELECT count(*) FROM hanoi_summit_outgoingemail WHERE status = 'sent'")


def statuses(stack):
    """{status: count} of every outbox row."""
    return dict(stack.sql("SELECT status, count(*) FROM hanoi_summit_outgoingemail GROUP BY status"))
