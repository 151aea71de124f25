import pytest
from django.core.management import call_command
from django.urls import reverse

from offices.demo import DEMO_COORDINATOR
from offices.models import Coordinator, OfficeChangeProposal, ProposalStatus

pytestmark = pytest.mark.django_db


def test_demo_accounts_leave_a_pending_proposal_once(capsys):
    call_command("demo_accounts")
    call_command("demo_accounts")

    proposals = list(OfficeChangeProposal.objects.filter(proposed_by__username=DEMO_COORDINATOR))
    assert [(p.status, p.office.area.code) for p in proposals] == [(ProposalStatus.PENDING, "RS-SABAC")]
    assert "http://127.0.0.1:8000/me/" in capsys.readouterr().out


def test_demo_coordinator_has_a_history_over_several_years_with_a_certificate(client):
    coordinator = Coordinator.objects.get(user__username=DEMO_COORDINATOR)
    client.force_login(coordinator.user)

    response = client.get(reverse("accounts:history"))

    enrolments = response.context["enrolments"]
    assert len({e.cohort.starts_on.year for e in enrolments}) >= 2
    assert any(c.status == "valid" for e in enrolments for c in e.certificates.all())
