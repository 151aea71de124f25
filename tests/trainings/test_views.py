"""The public trainings page, the certificate check and the certificate PDF."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
import segno
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from areas.models import Area, ProgrammeRegion
from tests.conftest import translated
from tests.portal.conftest import memory_cache  # noqa: F401 (a fixture)
from tests.trainings.conftest import certificate_for, make_cohort
from trainings.certificates import normalise_code
from trainings.models import Certificate, Cohort, Level
from trainings.reports import programme_results
from trainings.services import (
    attendance_sheet_save,
    certificate_reissue,
    certificate_revoke,
    cohort_close,
)

pytestmark = pytest.mark.django_db


def pdf_text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# The certificate's public page


def test_verify_page_shows_holder_programme_level_and_date(client, coordinator_a):
    certificate = certificate_for(coordinator_a)

    response = client.get(f"/certificates/{certificate.code}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert coordinator_a.full_name in page
    assert "Osnaživanje kancelarija za mlade" in page
    assert "osnovni" in page
    assert "10. marta 2018." in page
    assert translated("This certificate is valid.", "sr-latn") in page
    assert coordinator_a.email not in page if coordinator_a.email else True
    assert "Šabac" not in page  # nothing about the holder's office


def test_verify_page_finds_a_code_typed_in_lower_case_with_spaces(client, coordinator_a):
    certificate = certificate_for(coordinator_a)
    typed = f"{certificate.code[:4].lower()} {certificate.code[4:8].lower()}-{certificate.code[8:]}"

    response = client.get(reverse("trainings:certificate_verify", args=[typed]))

    assert response.status_code == 301
    assert response["Location"] == f"/certificates/{certificate.code}/"


def test_normalise_code_refuses_what_cannot_be_a_code():
    assert normalise_code("abcd efgh jkmn") == "ABCDEFGHJKMN"
    assert normalise_code("ABCDEFGHJKM") is None  # 11 characters
    assert normalise_code("ABCDEFGHJKM0") is None  # 0 is never in a code
    assert normalise_code("' OR 1=1 --") is None


@pytest.mark.parametrize("code", ["ZZZZZZZZZZZZ", "not-a-code", "%25"])
def test_verify_page_unknown_code_is_404_with_a_clear_page(client, code):
    response = client.get(f"/en/certificates/{code}/")

    assert response.status_code == 404
    assert "There is no certificate with the code" in response.content.decode()


NOT_A_CODE = "This is not a certificate code: it has 12 letters and digits. Check it on the paper."
IN_CYRILLIC = "A certificate code has no Cyrillic letters: type it in Latin letters and digits, as on the paper."
LOOKALIKES = str.maketrans("ABCEHKMPTXY", "АВСЕНКМРТХУ")  # Latin capitals → the Cyrillic letters they look like


def finder_error(response):
    return response.context["form"].errors.get("code")


@pytest.mark.parametrize(
    "typed",
    [
        "A" * 41,  # longer than the field: the same clear message, not the field's length rule
        "A" * 5000,
        "ABCD EFGH JKMN – and more words after it",
        "ABCDEFGHJKM",  # 11 characters
        "ABCDEFGHJKM0",  # 0 is never in a code
        "ABCD%EFGH*JKM",
        "<script>",
        "' OR 1=1 --",
    ],
)
def test_the_certificate_finder_answers_junk_with_a_clear_message(client, django_assert_num_queries, typed):
    with django_assert_num_queries(1):  # the data version: a code that cannot be one is never looked up
        response = client.get("/en/certificates/", {"code": typed})

    assert response.status_code == 200
    assert finder_error(response) == [NOT_A_CODE]
    assert f"<strong>{NOT_A_CODE}</strong>" in response.text


@pytest.mark.parametrize(("prefix", "language"), [("", "sr-latn"), ("/sr", "sr"), ("/en", "en")])
def test_the_certificate_finder_says_a_code_typed_in_cyrillic_letters_must_be_latin(
    client, coordinator_a, django_assert_num_queries, prefix, language
):
    certificate = certificate_for(coordinator_a)
    # A code of letters with Cyrillic doubles (a drawn code may have none: 48V449R9FZNZ).
    Certificate.objects.filter(pk=certificate.pk).update(code="K7M2PX4HTEAB")
    lookalike = "K7M2PX4HTEAB".translate(LOOKALIKES).lower()

    with django_assert_num_queries(1):
        response = client.get(f"{prefix}/certificates/", {"code": lookalike})

    assert response.status_code == 200
    assert finder_error(response) == [IN_CYRILLIC if language == "en" else translated(IN_CYRILLIC, language)]


@pytest.mark.parametrize(
    "spelling",
    [
        lambda code: f" {code.lower()} ",
        lambda code: f"{code[:4]}-{code[4:8]}-{code[8:]}",
        lambda code: f"{code[:6]} – {code[6:]}",  # an en dash, as a word processor writes a dash
        lambda code: f"{code[:6]}\u2011{code[6:]}",  # a non-breaking hyphen
        lambda code: f"{code[:6]}\u00a0{code[6:]}",  # a no-break space, copied from a PDF
        lambda code: f"{code[:6]}\u200b{code[6:]}",  # a zero-width space, copied from a web page
        lambda code: f"{code[:6]}\u00ad{code[6:]}",  # a soft hyphen
        lambda code: "".join(chr(ord(character) + 0xFEE0) for character in code),  # full-width: Ｋ７Ｍ２…
    ],
)
def test_the_certificate_finder_reads_a_code_however_it_was_copied(client, coordinator_a, spelling):
    certificate = certificate_for(coordinator_a)

    response = client.get("/en/certificates/", {"code": spelling(certificate.code)})

    assert (response.status_code, response["Location"]) == (302, f"/en/certificates/{certificate.code}/")


@pytest.mark.parametrize("typed", ["A" * 41, "x" * 2000, "АВСЕНКМРТХУ2", "%00", "ab cd"])
def test_the_check_page_of_a_junk_address_is_a_clear_404(client, django_assert_num_queries, typed):
    with django_assert_num_queries(1):  # the data version only
        response = client.get(f"/en/certificates/{typed}/")

    assert response.status_code == 404
    assert "There is no certificate with the code" in response.text
    assert 'name="code" value="' in response.text


def test_verify_page_of_a_revoked_certificate_says_revoked_and_when(client, coordinator_a):
    certificate = certificate_revoke(
        certificate=certificate_for(coordinator_a), reason="Greška u evidenciji", revoked_on=date(2019, 1, 15)
    )

    page = client.get(f"/en/certificates/{certificate.code}/").content.decode()

    assert "This certificate was revoked on 15 January 2019 and is no longer valid." in page
    assert "Greška u evidenciji" not in page  # the staff's note stays inside


def test_verify_page_of_a_replaced_certificate_links_to_its_replacement(client, coordinator_a):
    old = certificate_for(coordinator_a)
    new = certificate_reissue(certificate=old, issued_on=date(2018, 4, 1), reason="Ispravljeno ime")

    page = client.get(f"/en/certificates/{old.code}/").content.decode()

    assert "This certificate was replaced by a new one and is no longer valid." in page
    assert f'href="/en/certificates/{new.code}/"' in page


def test_verify_page_is_cached_yet_shows_a_revocation_at_once(client, coordinator_a, memory_cache, committed):  # noqa: F811
    memory_cache(600)
    certificate = certificate_for(coordinator_a)
    url = f"/en/certificates/{certificate.code}/"
    assert "This certificate is valid." in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"

    with committed():
        certificate_revoke(certificate=certificate, reason="Greška", revoked_on=date(2019, 1, 15))

    assert "This certificate was revoked on 15 January 2019" in client.get(url).content.decode()


def test_verify_page_in_three_languages(client, coordinator_a):
    certificate = certificate_for(coordinator_a)

    latin = client.get(f"/certificates/{certificate.code}/").content.decode()
    cyrillic = client.get(f"/sr/certificates/{certificate.code}/").content.decode()
    english = client.get(f"/en/certificates/{certificate.code}/").content.decode()

    assert translated("Certificate check", "sr-latn") in latin
    assert translated("Certificate check", "sr") in cyrillic
    assert "Оснаживање канцеларија за младе" in cyrillic
    assert "Certificate check" in english


def test_verify_page_runs_two_queries(client, coordinator_a, django_assert_num_queries):
    certificate = certificate_for(coordinator_a)

    with django_assert_num_queries(2):  # the data version, the certificate with all it shows
        client.get(f"/certificates/{certificate.code}/")


# The certificate as PDF


def test_pdf_for_its_holder_carries_name_code_hours_and_the_address(client, coordinator_a):
    certificate = certificate_for(coordinator_a, hours_missed=Decimal("1.5"))
    client.force_login(coordinator_a.user)

    response = client.get(reverse("trainings:certificate_pdf", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert coordinator_a.full_name in text
    assert certificate.code in text
    assert f"http://testserver/certificates/{certificate.code}/" in text
    assert "Osnaživanje kancelarija za mlade" in text
    assert "10,5" in text  # hours attended: 12 − 1.5
    assert "10. marta 2018." in text  # the month in the genitive, as Serbian writes a date


def test_pdf_links_its_qr_code_to_the_verification_address(client, coordinator_a):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_a.user)
    url = f"http://testserver/en/certificates/{certificate.code}/"

    content = client.get(f"/en/certificates/{certificate.code}/pdf/").content

    page = PdfReader(io.BytesIO(content)).pages[0]
    links = [annotation.get_object()["/A"]["/URI"] for annotation in page["/Annots"]]
    assert links == [url]
    # The squares drawn are the QR code segno makes of that address: one filled square per dark module.
    dark_modules = sum(sum(row) for row in segno.make(url, error="m", micro=False).matrix_iter(border=0))
    assert page.get_contents().get_data().decode("latin-1").count(" re f") == dark_modules


def test_pdf_in_cyrillic_and_english(client, coordinator_a):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_a.user)

    cyrillic = pdf_text(client.get(f"/sr/certificates/{certificate.code}/pdf/").content)
    english = pdf_text(client.get(f"/en/certificates/{certificate.code}/pdf/").content)

    assert "Оснаживање канцеларија за младе" in cyrillic
    assert translated("CERTIFICATE", "sr") in cyrillic
    assert "CERTIFICATE" in english
    assert "basic level, 12 hours" in english


def test_pdf_for_another_coordinator_is_404(client, coordinator_a, coordinator_b):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_b.user)

    assert client.get(f"/certificates/{certificate.code}/pdf/").status_code == 404


def test_pdf_for_staff(staff_client, coordinator_a):
    certificate = certificate_for(coordinator_a)

    assert staff_client.get(f"/certificates/{certificate.code}/pdf/").status_code == 200


def test_pdf_for_anonymous_goes_to_sign_in(client, coordinator_a):
    certificate = certificate_for(coordinator_a)

    response = client.get(f"/certificates/{certificate.code}/pdf/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/certificates/{certificate.code}/pdf/"


def test_pdf_of_an_unknown_code_is_404_for_staff(staff_client):
    assert staff_client.get("/certificates/ZZZZZZZZZZZZ/pdf/").status_code == 404


# The public trainings page


def test_training_list_shows_aggregate_results_without_names(client, coordinator_a):
    certificate = certificate_for(coordinator_a)

    page = client.get("/en/trainings/").content.decode()

    assert "Osnaživanje kancelarija za mlade" in page
    assert coordinator_a.last_name not in page
    assert certificate.code not in page
    assert 'href="/en/trainings/"' in page  # the navbar


def test_training_list_counts_are_exact(client):
    cohort = make_cohort(people=3, name="Vojvodina, osnovni nivo")
    enrolments = list(cohort.enrolments.order_by("pk"))
    sessions = list(cohort.sessions.all())
    attendance_sheet_save(
        cohort=cohort,
        hours={(s.pk, e.pk): s.hours for s in sessions for e in enrolments[:2]},
    )
    cohort_close(cohort=cohort, closed_on=date(2018, 3, 1))

    page = client.get("/en/trainings/").content.decode()

    section = page.split(f'id="programme-{cohort.programme.pk}"')[1].split("</section>")[0]
    # Its cohort has no region: the headline names none.
    assert "2 participants completed the training</p>" in " ".join(section.split())
    assert '<dt class="col-sm-4">Participants (who took up their place)</dt><dd class="col-sm-8">3</dd>' in section
    assert (
        '<td class="d-none d-sm-table-cell">basic</td><td class="text-end d-none d-sm-table-cell">1</td>'
        '<td class="text-end">2</td>'
    ) in section


@pytest.mark.parametrize("language", ["", "/sr", "/en"])
def test_training_list_in_three_languages(client, language):
    response = client.get(f"{language}/trainings/")

    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in response.content.decode()


def test_training_list_runs_the_same_queries_at_two_sizes(client, django_assert_num_queries):
    with django_assert_num_queries(3):  # the data version, the programmes with results, the cohort counts
        client.get("/trainings/")
    for number in range(3):
        make_cohort(people=3, name=f"Kohorta {number}")

    with django_assert_num_queries(3):
        client.get("/trainings/")


def test_font_check_names_a_missing_font(settings, monkeypatch, tmp_path):
    from trainings import apps, certificates

    assert apps.certificate_font_check(None) == []
    monkeypatch.setitem(certificates.FONT_FILES, "B", tmp_path / "DejaVuSans-Bold.ttf")

    [error] = apps.certificate_font_check(None)

    assert error.id == "trainings.E001"
    assert str(tmp_path / "DejaVuSans-Bold.ttf") in error.msg


def test_hours_text_drops_needless_decimals():
    from portal.text import decimal_text as hours_text

    assert [hours_text(Decimal(text)) for text in ("12.0", "100.0", "10.50", "0")] == ["12", "100", "10,5", "0"]


def test_certificate_admin_links_to_its_public_page(staff_client, coordinator_a):
    certificate = certificate_for(coordinator_a)
    assert certificate.get_absolute_url() == f"/certificates/{certificate.code}/"  # the test's language: Latin

    page = staff_client.get(f"/en/admin/trainings/certificate/{certificate.pk}/change/").content.decode()

    assert "View on site" in page


# A certificate no longer valid says so on its PDF


def test_pdf_of_a_revoked_certificate_says_so_in_a_band_with_the_day(client, coordinator_a):
    certificate = certificate_revoke(
        certificate=certificate_for(coordinator_a), reason="Greška u evidenciji", revoked_on=date(2019, 1, 15)
    )
    client.force_login(coordinator_a.user)

    latin = pdf_text(client.get(f"/certificates/{certificate.code}/pdf/").content)
    english = pdf_text(client.get(f"/en/certificates/{certificate.code}/pdf/").content)

    assert latin.splitlines()[:2] == ["OPOZVANO – NE VAŽI", "Ovo uverenje je opozvano 15. januara 2019."]
    assert english.splitlines()[:2] == ["REVOKED – NOT VALID", "This certificate was revoked on 15 January 2019."]
    assert certificate.code in latin


def test_pdf_of_a_replaced_certificate_names_its_replacement(client, coordinator_a):
    old = certificate_for(coordinator_a)
    new = certificate_reissue(certificate=old, issued_on=date(2018, 4, 1), reason="Ispravljeno ime")
    client.force_login(coordinator_a.user)

    replaced = pdf_text(client.get(f"/certificates/{old.code}/pdf/").content)
    valid = pdf_text(client.get(f"/certificates/{new.code}/pdf/").content)

    assert replaced.splitlines()[:2] == [
        "ZAMENJENO – NE VAŽI",
        f"Ovo uverenje je zamenjeno 1. aprila 2018. uverenjem {new.code}.",
    ]
    assert "NE VAŽI" not in valid


# Wording found in the user trial: each in the three languages


def programme_section(page, programme):
    """The programme's card on the trainings page, whitespace folded."""
    return " ".join(page.split(f'id="programme-{programme.pk}"')[1].split("</section>")[0].split())


def two_regions_one_with_completions():
    """A programme with a basic cohort in Vojvodina (two of three completed) and an intermediate one
    in south Serbia (nobody completed)."""
    north = make_cohort(people=3, name="Vojvodina, osnovni nivo")
    north.region = ProgrammeRegion.objects.get(name="Vojvodina")
    north.save()
    south = Cohort.objects.create(
        programme=north.programme,
        name="Jug, srednji nivo",
        level=Level.INTERMEDIATE,
        region=ProgrammeRegion.objects.get(name="Južna Srbija"),
        starts_on=date(2017, 10, 1),
        ends_on=date(2018, 2, 28),
        capacity=20,
    )
    sessions, enrolments = list(north.sessions.all()), list(north.enrolments.order_by("pk"))
    attendance_sheet_save(cohort=north, hours={(s.pk, e.pk): s.hours for s in sessions for e in enrolments[:2]})
    cohort_close(cohort=north, closed_on=date(2018, 3, 1))
    return north.programme, south


@pytest.mark.parametrize(
    ("prefix", "headline", "rows"),
    [
        (
            "",
            "2 učesnika su završila obuku u 1 regionu</p>",
            ["Vojvodina", "osnovni", "Južna Srbija", "srednji"],
        ),
        (
            "/sr",
            "2 учесника су завршила обуку у 1 региону</p>",
            ["Војводина", "основни", "Јужна Србија", "средњи"],
        ),
        ("/en", "2 participants completed the training in 1 region</p>", ["Vojvodina", "basic", "Južna Srbija"]),
    ],
)
def test_training_list_counts_regions_of_completions_and_names_levels_in_the_language(client, prefix, headline, rows):
    programme, _south = two_regions_one_with_completions()

    section = programme_section(client.get(f"{prefix}/trainings/").content.decode(), programme)

    assert headline in section  # two regions had a cohort, one had someone who completed
    cells = [f'<td class="d-none d-sm-table-cell">{rows[1]}</td>', f">{rows[0]}<"]
    assert [cell in section for cell in cells] == [True, True]
    if prefix != "/en":
        assert [word in section for word in ("basic", "intermediate")] == [False, False]
        assert f'<span class="d-block d-sm-none text-body-secondary small">{rows[3]}</span>' in section


@pytest.mark.parametrize(
    ("prefix", "sentence", "issued"),
    [
        ("", "Ovo uverenje je opozvano 1. februara 2019. i više ne važi.", "10. marta 2018."),
        ("/sr", "Ово уверење је опозвано 1. фебруара 2019. и више не важи.", "10. марта 2018."),
        ("/en", "This certificate was revoked on 1 February 2019 and is no longer valid.", "10 March 2018"),
    ],
)
def test_verify_page_of_a_revoked_certificate_reads_well_in_three_languages(
    client, coordinator_a, prefix, sentence, issued
):
    certificate = certificate_revoke(
        certificate=certificate_for(coordinator_a), reason="Greška u imenu", revoked_on=date(2019, 2, 1)
    )

    page = client.get(f"{prefix}/certificates/{certificate.code}/").content.decode()

    state = page.split('certificate-state" role="status">')[1].split("</p>")[0]
    assert state == sentence
    assert ".." not in state
    assert f'<time datetime="2018-03-10">{issued}</time>' in page  # the month in the genitive in Serbian


@pytest.mark.parametrize(
    ("prefix", "lines", "filename"),
    [
        (
            "",
            ["Ovo uverenje dobija", "za završen program obuke", "U partnerstvu sa: IOM",
             "Uz podršku: Ministarstvo omladine i sporta", "Izdato 10. marta 2018."],
            "uverenje",
        ),
        (
            "/sr",
            ["Ово уверење добија", "за завршен програм обуке", "У партнерству са: ИОМ",
             "Уз подршку: Министарство омладине и спорта", "Издато 10. марта 2018."],
            "uverenje",
        ),
        (
            "/en",
            ["This certifies that", "completed the training programme", "In partnership with: IOM",
             "Supported by: Ministarstvo omladine i sporta", "Issued on 10 March 2018"],
            "certificate",
        ),
    ],
)  # fmt: skip
def test_pdf_wording_and_file_name_in_three_languages(client, coordinator_a, prefix, lines, filename):
    certificate = certificate_for(coordinator_a)
    client.force_login(coordinator_a.user)

    response = client.get(f"{prefix}/certificates/{certificate.code}/pdf/")

    text = pdf_text(response.content).splitlines()
    assert [line in text for line in lines] == [True] * len(lines), text
    assert [line for line in text if " je " in f" {line} " and "završio" in line] == []  # "je" said once
    assert response["Content-Disposition"] == f'attachment; filename="{filename}-{certificate.code}.pdf"'


@pytest.mark.parametrize(
    ("prefix", "language", "place"), [("", "sr-latn", "Srbija"), ("/sr", "sr", "Србија"), ("/en", "en", "Serbia")]
)
def test_a_cohorts_place_is_named_alike_on_the_pdf_the_page_and_the_report(
    client, coordinator_a, prefix, language, place
):
    certificate = certificate_for(coordinator_a)
    cohort = certificate.enrolment.cohort
    cohort.area = Area.objects.countries().get(code="RS")
    cohort.save()
    client.force_login(coordinator_a.user)

    text = pdf_text(client.get(f"{prefix}/certificates/{certificate.code}/pdf/").content)
    page = client.get(f"{prefix}/trainings/").content.decode()
    with translation.override(language):
        [(_title, [_total]), (_by_region, [region]), *_rest] = programme_results(cohort.programme)

    assert place in text.splitlines()
    assert f"<td>{place}<span" in page
    assert region.label == place
    assert ("Srbija" in text) == (place == "Srbija")  # the English PDF said "Srbija"


def test_pdf_costs_the_same_queries_whatever_the_sessions_and_attendance(client, staff_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import CoordinatorFactory
    from trainings.services import enrolment_create, participant_for_coordinator

    def pdf_queries(sessions, people, name):
        cohort = make_cohort(sessions=sessions, people=people, name=name)
        holder = CoordinatorFactory(first_name="Đurđa", last_name="Ćirić-Šljivančanin")
        enrolment_create(cohort=cohort, participant=participant_for_coordinator(coordinator=holder))
        enrolments = list(cohort.enrolments.all())
        hours = {
            (session.pk, enrolment.pk): session.hours for session in cohort.sessions.all() for enrolment in enrolments
        }
        attendance_sheet_save(cohort=cohort, hours=hours)
        certificates = cohort_close(cohort=cohort, closed_on=date(2018, 3, 10)).certificates
        [code] = [c.code for c in certificates if c.enrolment.participant.coordinator_id == holder.pk]
        url = reverse("trainings:certificate_pdf", args=[code])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert "Ćirić-Šljivančanin" in pdf_text(response.content)
        return len(queries)

    client.force_login(staff_user)
    one = pdf_queries(1, 0, "Šumadija, osnovni nivo")
    eight = pdf_queries(8, 4, "Подриње, основни ниво")
    assert one == eight == 4  # the session, the user, the certificate with its names and dates, the hours


# Finding a certificate by the code on its paper


@pytest.mark.parametrize(
    ("prefix", "heading", "label"),
    [("", "Provera uverenja", "Kod uverenja"), ("/sr", "Провера уверења", "Код уверења"),
     ("/en", "Certificate check", "Certificate code")],
)  # fmt: skip
def test_the_certificate_page_offers_a_form_for_the_code_in_three_languages(client, prefix, heading, label):
    response = client.get(f"{prefix}/certificates/")

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="h2">{heading}</h1>' in page
    assert f'<form method="get" action="{prefix}/certificates/"' in page
    assert re.search(rf'<label\s+for="id_code"[^>]*>\s*{label}<', page)
    assert 'name="code"' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="col-md-8 col-lg-6"' in page  # the whole width on a phone


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_code_typed_as_on_paper_leads_to_its_check_page(client, coordinator_a, prefix):
    certificate = certificate_for(coordinator_a)
    typed = f" {certificate.code[:4].lower()} {certificate.code[4:8].lower()}-{certificate.code[8:]} "

    response = client.get(f"{prefix}/certificates/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/certificates/{certificate.code}/"


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("", "Ovo nije kod uverenja: ima 12 slova i cifara. Proverite ga na papiru."),
        ("/sr", "Ово није код уверења: има 12 слова и цифара. Проверите га на папиру."),
        ("/en", "This is not a certificate code: it has 12 letters and digits. Check it on the paper."),
    ],
)
def test_a_code_that_cannot_be_one_shows_the_form_again_with_a_message(client, prefix, message):
    response = client.get(f"{prefix}/certificates/", {"code": "ABC-12"})

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="ABC-12"' in page


def test_a_well_formed_code_no_certificate_has_is_told_unknown_with_the_form_to_correct_it(client):
    found = client.get("/en/certificates/", {"code": "zzzz zzzz zzzz"})

    unknown = client.get(found["Location"])

    assert found["Location"] == "/en/certificates/ZZZZZZZZZZZZ/"
    page = unknown.content.decode()
    assert unknown.status_code == 404
    assert '<form method="get" action="/en/certificates/"' in page
    assert 'value="ZZZZZZZZZZZZ"' in page


@pytest.mark.parametrize("query", [{}, {"code": "ABC"}, {"code": "ZZZZZZZZZZZZ"}])
def test_the_certificate_form_runs_one_query(client, django_assert_num_queries, query):
    with django_assert_num_queries(1):  # the data version
        client.get("/certificates/", query)


def test_the_certificate_page_is_kept_only_without_a_query(client, memory_cache):  # noqa: F811
    memory_cache(600)
    assert client.get("/en/certificates/")["X-Page-Cache"] == "miss"
    assert client.get("/en/certificates/")["X-Page-Cache"] == "hit"

    typed = [client.get("/en/certificates/", {"code": "ABC"}) for _ in range(2)]

    assert ["X-Page-Cache" in response for response in typed] == [False, False]
    assert "This is not a certificate code" in typed[1].content.decode()


def test_the_trainings_page_and_the_footer_lead_to_the_certificate_check(client):
    page = client.get("/en/trainings/").content.decode()

    assert '<a href="/en/certificates/">Check a certificate by its code</a>' in page
    assert '<a href="/en/certificates/">Check a certificate</a>' in page
