import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from offices.models import Office, OfficeChangeProposal, ProposalStatus
from offices.services import office_change_proposal_accept, office_change_proposal_reject, office_change_propose
from portal.text import to_cyrillic
from tests.factories import staff_with_permissions

pytestmark = pytest.mark.django_db


def _seen(page):
    """What the review page posts back of the office it showed."""
    return re.search(r'name="office_seen" value="([0-9a-f]{64})"', page.text)[1]


@pytest.fixture
def proposal(office_a, coordinator_a):
    return office_change_propose(
        office=office_a,
        user=coordinator_a.user,
        values={"working_hours": "Pon–pet 8–16", "website": "https://mladisabac.rs/", "address": office_a.address},
    )


def test_propose_keeps_only_changed_values_and_what_they_were(proposal, office_a):
    assert proposal.values == {"working_hours": "Pon–pet 8–16", "website": "https://mladisabac.rs/"}
    assert proposal.original == {"working_hours": office_a.working_hours, "website": office_a.website}
    assert proposal.status == ProposalStatus.PENDING


def test_propose_refuses_a_control_character(office_a, coordinator_a):
    with pytest.raises(ValidationError) as error:
        office_change_propose(office=office_a, user=coordinator_a.user, values={"description": "Opis\x00"})

    assert list(error.value.message_dict) == ["description"]
    assert OfficeChangeProposal.objects.count() == 0


def test_accept_applies_the_values_and_the_public_page_shows_them(proposal, staff_user, office_a, client):
    before = client.get(office_a.get_absolute_url())
    assert "Pon–pet 8–16" not in before.text

    office_change_proposal_accept(proposal=proposal, user=staff_user, note="Hvala")

    office_a.refresh_from_db()
    proposal.refresh_from_db()
    assert (office_a.working_hours, office_a.website) == ("Pon–pet 8–16", "https://mladisabac.rs/")
    assert (proposal.status, proposal.reviewed_by, proposal.note) == (ProposalStatus.ACCEPTED, staff_user, "Hvala")
    assert "Pon–pet 8–16" in client.get(office_a.get_absolute_url()).text


def test_reject_leaves_the_office_alone(proposal, staff_user, office_a):
    hours = office_a.working_hours

    office_change_proposal_reject(proposal=proposal, user=staff_user, note="Pogrešno radno vreme")

    office_a.refresh_from_db()
    proposal.refresh_from_db()
    assert office_a.working_hours == hours
    assert proposal.status == ProposalStatus.REJECTED


def test_a_reviewed_proposal_cannot_be_reviewed_again(proposal, staff_user):
    office_change_proposal_reject(proposal=proposal, user=staff_user, note="Adresa nije tačna.")

    with pytest.raises(ValidationError) as error:
        office_change_proposal_accept(proposal=proposal, user=staff_user)

    assert error.value.messages == ["Ovaj predlog je već odbijen."]


def test_accept_that_breaks_a_rule_saves_nothing(proposal, staff_user, office_a):
    OfficeChangeProposal.objects.filter(pk=proposal.pk).update(values={"website": "nije adresa"})
    proposal.refresh_from_db()

    with pytest.raises(ValidationError):
        office_change_proposal_accept(proposal=proposal, user=staff_user)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert Office.objects.get(pk=office_a.pk).website == office_a.website


def test_diff_shows_a_value_changed_since_the_proposal(proposal, office_a):
    Office.objects.filter(pk=office_a.pk).update(working_hours="Utorkom 10–14")
    proposal = OfficeChangeProposal.objects.select_related("office").get(pk=proposal.pk)

    rows = {name: (before, now, after) for name, _label, before, now, after in proposal.diff()}

    assert rows["working_hours"] == (office_a.working_hours, "Utorkom 10–14", "Pon–pet 8–16")


def test_admin_change_page_shows_the_diff_and_accepts_with_a_note(staff_client, proposal, office_a):
    Office.objects.filter(pk=office_a.pk).update(working_hours="Utorkom 10–14")
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    page = staff_client.get(url)
    response = staff_client.post(url, {"note": "Provereno telefonom", "_accept": "1", "office_seen": _seen(page)})

    assert page.status_code == 200
    assert "promenjeno posle predloga" in page.text
    assert "Pon–pet 8–16" in page.text
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:offices_officechangeproposal_changelist")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.note) == (ProposalStatus.ACCEPTED, "Provereno telefonom")
    assert Office.objects.get(pk=office_a.pk).working_hours == "Pon–pet 8–16"


def test_admin_reject_with_a_bad_note_saves_nothing(staff_client, proposal):
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    response = staff_client.post(url, {"note": "Ne\x07", "_reject": "1"}, follow=True)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == url


def test_admin_lists_pending_proposals(staff_client, proposal):
    response = staff_client.get(reverse("admin:offices_officechangeproposal_changelist") + "?status__exact=pending")

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [proposal]


@pytest.mark.parametrize("note", ["", "   "])
def test_reject_without_a_note_is_refused(proposal, staff_user, note):
    with pytest.raises(ValidationError) as error:
        office_change_proposal_reject(proposal=proposal, user=staff_user, note=note)

    assert error.value.message_dict == {"note": ["U napomeni napišite zašto je predlog odbijen: koordinator je čita."]}
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_admin_reject_without_a_note_says_so_and_the_coordinator_reads_a_given_note(
    staff_client, proposal, coordinator_a, client
):
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    refused = staff_client.post(url, {"note": "", "_reject": "1"}, follow=True)

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert [str(m) for m in refused.context["messages"]] == [
        "U napomeni napišite zašto je predlog odbijen: koordinator je čita."
    ]

    staff_client.post(url, {"note": "Radno vreme je već objavljeno na sajtu opštine.", "_reject": "1"})

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED
    client.force_login(coordinator_a.user)
    page = client.get(reverse("accounts:home")).content.decode()
    assert "Razlog odbijanja: Radno vreme je već objavljeno na sajtu opštine." in page


@pytest.mark.parametrize("prefix", ["", "/sr", "/en"])
def test_admin_names_the_proposer_by_the_coordinators_name(staff_client, proposal, coordinator_a, prefix):
    listing_url = prefix + reverse("admin:offices_officechangeproposal_changelist")
    page_url = prefix + reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    listing = staff_client.get(listing_url).content.decode()
    page = staff_client.get(page_url).content.decode()

    username = coordinator_a.user.username
    name = to_cyrillic(coordinator_a.full_name) if prefix == "/sr" else coordinator_a.full_name  # the active script
    assert f'<td class="field-proposer">{name}</td>' in listing
    assert f'<div class="readonly">{name}</div>' in page
    assert (f">{username}<" in listing, f">{username}<" in page) == (False, False)


@pytest.mark.parametrize(
    ("prefix", "decision", "words"),
    [
        ("", "_accept", "Predlog izmena je prihvaćen, javna stranica prikazuje nove podatke: Kancelarija za mlade Šabac."),
        ("", "_reject", "Predlog izmena je odbijen: Kancelarija za mlade Šabac."),
        ("/sr", "_accept", "Предлог измена је прихваћен, јавна страница приказује нове податке: Канцеларија за младе Шабац."),
        ("/sr", "_reject", "Предлог измена је одбијен: Канцеларија за младе Шабац."),
        ("/en", "_reject", "Rejected the proposal for Kancelarija za mlade Šabac."),
    ],
)  # fmt: skip
def test_admin_review_message_reads_right_with_the_office_name_in_the_pages_script(
    staff_client, proposal, prefix, decision, words
):
    url = prefix + reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    seen = _seen(staff_client.get(url))

    response = staff_client.post(url, {"note": "Provereno telefonom", decision: "1", "office_seen": seen}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [words]


def test_a_proposed_e_mail_is_kept_with_its_domain_in_lower_case(staff_user, office_a, coordinator_a):
    proposal = office_change_propose(office=office_a, user=coordinator_a.user, values={"email": " Kzm.Sabac@Sabac.RS "})

    office_change_proposal_accept(proposal=proposal, user=staff_user, note="")

    assert proposal.values == {"email": "Kzm.Sabac@sabac.rs"}
    assert Office.objects.get(pk=office_a.pk).email == "Kzm.Sabac@sabac.rs"


def test_office_and_coordinator_e_mails_are_cleaned_to_a_lower_case_domain(office_a, coordinator_a):
    office_a.email = "Kzm.Sabac@Sabac.RS"
    coordinator_a.email = "Milan.Jovic@Mladi-Sabac.RS"

    office_a.full_clean()
    coordinator_a.full_clean()

    assert (office_a.email, coordinator_a.email) == ("Kzm.Sabac@sabac.rs", "Milan.Jovic@mladi-sabac.rs")


def test_accept_of_an_office_changed_since_the_review_page_writes_nothing_and_shows_the_review_again(
    staff_client, proposal, office_a
):
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    seen = _seen(staff_client.get(url))
    Office.objects.filter(pk=office_a.pk).update(working_hours="Utorkom 10–14")  # another staff member meanwhile

    response = staff_client.post(url, {"note": "", "_accept": "1", "office_seen": seen}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "Podaci kancelarije su promenjeni dok ste pregledali ovaj predlog: ništa nije sačuvano. "
        "Ponovo proverite izmene ispod, pa prihvatite ili odbijte."
    ]
    assert "promenjeno posle predloga" in response.text
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    office = Office.objects.get(pk=office_a.pk)
    assert (office.working_hours, office.website) == ("Utorkom 10–14", office_a.website)
    # The page shown again carries the office as it is now: accepting from it is what the reviewer saw.
    staff_client.post(url, {"note": "", "_accept": "1", "office_seen": _seen(response)})
    assert Office.objects.get(pk=office_a.pk).working_hours == "Pon–pet 8–16"


def test_accept_without_what_the_page_showed_writes_nothing(staff_client, proposal, office_a):
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    staff_client.post(url, {"note": "", "_accept": "1"})

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert Office.objects.get(pk=office_a.pk).working_hours == office_a.working_hours


def test_a_change_to_a_field_not_proposed_does_not_stop_the_accept(staff_user, proposal, office_a):
    seen = proposal.office_digest()
    Office.objects.filter(pk=office_a.pk).update(phone="+381 15 123 456")

    office_change_proposal_accept(proposal=proposal, user=staff_user, seen=seen)

    assert Office.objects.get(pk=office_a.pk).working_hours == "Pon–pet 8–16"


# The office's history names the accepted proposal by a key, shown as a link in the admin's language


def _history_reasons(client, url):
    page = client.get(url).text
    return re.findall(r'<a href="(/[^"]*officechangeproposal/\d+/change/)">([^<]+)</a>', page)


@pytest.mark.parametrize(("prefix", "words"), [("", "Predlog izmena br. {}"), ("/en", "Change proposal #{}")])
def test_office_history_links_the_accepted_proposal_in_the_admins_language(
    staff_client, staff_user, proposal, office_a, prefix, words
):
    with translation.override({"": "sr-latn", "/en": "en"}[prefix]):
        history_url = reverse("admin:offices_office_history", args=[office_a.pk])
        proposal_url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    office_change_proposal_accept(proposal=proposal, user=staff_user)

    assert office_a.history.latest("history_id").history_change_reason == f"proposal:{proposal.pk}"
    assert _history_reasons(staff_client, history_url) == [(proposal_url, words.format(proposal.pk))]


@pytest.mark.parametrize(
    "sentence",
    ["Accepted change proposal #{}", "Prihvaćen predlog izmena br. {}", "Прихваћен предлог измена бр. {}"],
)
def test_migration_turns_the_old_sentence_into_the_key_and_leaves_other_reasons(office_a, office_b, sentence, proposal):
    from django.apps import apps

    migration = importlib.import_module("offices.migrations.0006_proposal_change_reason_keys")
    old = office_a.history.latest("history_id")
    old.history_change_reason = sentence.format(proposal.pk)
    old.save()
    typed = office_b.history.latest("history_id")
    typed.history_change_reason = "Ispravka adrese po dopisu br. 12"
    typed.save()

    migration.reasons_to_keys(apps, None)

    old.refresh_from_db()
    typed.refresh_from_db()
    assert (old.history_change_reason, typed.history_change_reason) == (
        f"proposal:{proposal.pk}",
        "Ispravka adrese po dopisu br. 12",
    )


def test_office_history_shows_a_reason_it_does_not_know_as_it_is(staff_client, office_a):
    old = office_a.history.latest("history_id")
    old.history_change_reason = "Ispravka adrese po dopisu br. 12"
    old.save()

    page = staff_client.get(reverse("admin:offices_office_history", args=[office_a.pk])).text

    assert "Ispravka adrese po dopisu br. 12" in page


def _review_state(proposal, office):
    proposal.refresh_from_db()
    office = Office.objects.get(pk=office.pk)
    return proposal.status, proposal.reviewed_by_id, office.working_hours, office.history.count()


@pytest.mark.parametrize("decision", ["_accept", "_reject"])
@pytest.mark.parametrize(
    "permissions",
    [(), ("offices.view_officechangeproposal",)],
    ids=["no permission", "view only"],
)
def test_staff_who_may_not_change_proposals_cannot_review_one(client, proposal, office_a, decision, permissions):
    client.force_login(staff_with_permissions("vesna.pregled", *permissions))
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    before = _review_state(proposal, office_a)

    response = client.post(url, {"note": "Provereno telefonom", decision: "1"})

    assert response.status_code == 403
    assert _review_state(proposal, office_a) == before
    assert before[0] == ProposalStatus.PENDING


def test_staff_who_may_change_proposals_but_not_offices_cannot_accept_one_but_may_reject_it(client, proposal, office_a):
    user = staff_with_permissions(
        "vesna.pregled", "offices.view_officechangeproposal", "offices.change_officechangeproposal"
    )
    client.force_login(user)
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    before = _review_state(proposal, office_a)

    accepted = client.post(url, {"note": "Provereno telefonom", "_accept": "1"})

    assert accepted.status_code == 403
    assert _review_state(proposal, office_a) == before

    rejected = client.post(url, {"note": "Radno vreme nije tačno.", "_reject": "1"})

    assert rejected.status_code == 302
    assert _review_state(proposal, office_a) == (ProposalStatus.REJECTED, user.pk, before[2], before[3])


def test_staff_who_may_change_proposals_and_offices_accept_one(client, proposal, office_a):
    user = staff_with_permissions(
        "vesna.pregled",
        "offices.view_officechangeproposal",
        "offices.change_officechangeproposal",
        "offices.change_office",
    )
    client.force_login(user)
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    history = office_a.history.count()
    seen = _seen(client.get(url))

    response = client.post(url, {"note": "Provereno telefonom", "_accept": "1", "office_seen": seen})

    assert response.status_code == 302
    assert _review_state(proposal, office_a) == (ProposalStatus.ACCEPTED, user.pk, "Pon–pet 8–16", history + 1)


@pytest.mark.parametrize(
    ("permissions", "buttons"),
    [
        (("offices.view_officechangeproposal",), []),
        (("offices.view_officechangeproposal", "offices.change_officechangeproposal"), ["_reject"]),
        (
            ("offices.view_officechangeproposal", "offices.change_officechangeproposal", "offices.change_office"),
            ["_accept", "_reject"],
        ),
    ],
    ids=["view only", "change proposals", "change proposals and offices"],
)
def test_the_review_page_offers_the_decisions_the_user_may_take(client, proposal, permissions, buttons):
    client.force_login(staff_with_permissions("vesna.pregled", *permissions))

    page = client.get(reverse("admin:offices_officechangeproposal_change", args=[proposal.pk]))

    assert page.status_code == 200
    assert re.findall(r'<input type="submit"[^>]* name="(_accept|_reject)"', page.text) == buttons


@pytest.mark.parametrize(
    ("prefix", "first", "words"),
    [
        ("", "_accept", "Ovaj predlog je već prihvaćen."),
        ("", "_reject", "Ovaj predlog je već odbijen."),
        ("/sr", "_accept", "Овај предлог је већ прихваћен."),
        ("/en", "_reject", "This proposal was already rejected."),
    ],
)
def test_admin_reject_without_a_note_of_a_proposal_decided_in_another_tab_says_it_was_decided(
    staff_client, proposal, prefix, first, words
):
    url = prefix + reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])
    seen = _seen(staff_client.get(url))
    staff_client.post(url, {"note": "Provereno telefonom", first: "1", "office_seen": seen})  # the other tab

    response = staff_client.post(url, {"note": "", "_reject": "1"}, follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [words]


def test_an_accepted_proposals_page_shows_what_was_accepted_without_comparing_it_to_the_office(
    staff_client, proposal, office_a, staff_user
):
    hours = office_a.working_hours
    office_change_proposal_accept(proposal=proposal, user=staff_user, note="")
    url = reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    page = staff_client.get(url).text

    assert "promenjeno posle predloga" not in page
    assert "javnoj stranici" not in page
    assert f'<tr><th scope="row">radno vreme</th><td>{hours}</td><td>Pon–pet 8–16</td></tr>' in page


@pytest.mark.parametrize(
    ("prefix", "pending", "accepted"),
    [
        ("", "Pregled predloga izmena kancelarije", "Predlog izmena kancelarije (prihvaćen)"),
        ("/sr", "Преглед предлога измена канцеларије", "Предлог измена канцеларије (прихваћен)"),
        ("/en", "Review office change proposal", "Office change proposal (accepted)"),
    ],
)
def test_the_review_page_is_titled_a_review_and_a_decided_proposal_by_its_decision(
    staff_client, proposal, staff_user, prefix, pending, accepted
):
    url = prefix + reverse("admin:offices_officechangeproposal_change", args=[proposal.pk])

    before = staff_client.get(url).text
    office_change_proposal_accept(proposal=proposal, user=staff_user, note="")
    after = staff_client.get(url).text

    assert f"<h1>{pending}</h1>" in before
    assert f"<h1>{accepted}</h1>" in after
    assert "Change office change proposal" not in before + after
