"""Indexes for the ticket lists at volume (issue 4): the queue's order, breached, agency+status."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_sla_escalate_on_breach"),
        ("sso", "0001_initial"),
        ("tickets", "0003_compliance_ola_webhooks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_res_due",
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["agency", "status", "opened_at", "id"], name="ticket_agency_status_opened"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["resolution_due_at", "id"], name="ticket_res_due_id"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    ("response_breached", True), ("resolution_breached", True), _connector="OR"
                ),
                fields=["resolution_due_at", "id"],
                name="ticket_breached_res_due",
            ),
        ),
    ]
