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


def test_demo_coordinator_account_is_named_as_its_coordinator_and_has_sessions_to_come(client):
    call_command("demo_accounts")
    coordinator = Coordinator.objects.select_related("user").get(user__username=DEMO_COORDINATOR)
    client.force_login(coordinator.user)

    response = client.get(reverse("accounts:home"))

    assert (coordinator.user.first_name, coordinator.user.last_name) == (coordinator.first_name, coordinator.last_name)
    assert coordinator.user.get_full_name() in response.text  # the header greets the account by this name
    assert len(response.context["upcoming_sessions"]) == 3


def test_demo_accounts_rename_an_older_demo_account(django_user_model):
    call_command("demo_accounts")
    user = django_user_model.objects.get(username=DEMO_COORDINATOR)
    django_user_model.objects.filter(pk=user.pk).update(first_name="Jelena", last_name="Koordinatorović")

    call_command("demo_accounts")

    user.refresh_from_db()
    assert user.get_full_name() == user.coordinator.full_name
