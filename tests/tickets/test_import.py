import io

import pytest
from django.core.management import CommandError, call_command

from tickets.importer import ImportFailed, import_csv
from tickets.models import Status, Ticket

HEADER = "agency,service,title,opened_at,impact,urgency,responded_at,responder,resolved_at,closed_at,status\n"


def test_import_runs_the_clock_like_live_tickets(org, service):
    data = HEADER + (
        "AAA,DESK,Printer,2026-10-02T15:00:00-04:00,2,1,2026-10-05T09:30:00-04:00,agent,"
        "2026-10-06T10:00:00-04:00,2026-10-09T10:00:00-04:00,\n"
    )
    result = import_csv(io.StringIO(data), acting_user=org.integrator)
    ticket = Ticket.objects.get(number=result.created[0])
    assert ticket.status == Status.CLOSED
    assert ticket.first_response_at.isoformat() == "2026-10-05T13:30:00+00:00"
    assert ticket.response_breached is False  # due Mon 11:00
    assert ticket.resolution_breached is False  # due Tue 15:00


def test_one_bad_row_imports_nothing_and_names_every_error(org, service):
    data = HEADER + (
        "AAA,DESK,Fine,2026-10-02T15:00:00-04:00,2,1,,,,,\n"
        "AAA,NOPE,Bad service,2026-10-02T15:00:00-04:00,2,1,,,,,\n"
        "AAA,DESK,Future,2999-01-01T00:00:00+00:00,2,1,,,,,\n"
        "AAA,DESK,Impact,2026-10-02T15:00:00-04:00,7,1,,,,,\n"
    )
    with pytest.raises(ImportFailed) as failure:
        import_csv(io.StringIO(data), acting_user=org.integrator)
    text = "\n".join(failure.value.errors)
    assert "row 3: service" in text
    assert "row 4" in text
    assert "row 5: impact" in text
    assert not Ticket.objects.exists()


def test_missing_columns(org):
    with pytest.raises(ImportFailed, match="error"):
        import_csv(io.StringIO("title\nx\n"), acting_user=org.integrator)


def test_command(org, service, tmp_path):
    path = tmp_path / "legacy.csv"
    path.write_text(HEADER + "AAA,DESK,Printer,2026-10-02T15:00:00-04:00,2,1,,,,,\n")
    call_command("import_tickets", str(path), "--as", "integrator")
    assert Ticket.objects.count() == 1
    with pytest.raises(CommandError, match="not an integrator"):
        call_command("import_tickets", str(path), "--as", "a.requester")
