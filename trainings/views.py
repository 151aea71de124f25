from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import pgettext

from imports.writing import export_filename, file_response
from portal.page_cache import cache_public_page

from . import selectors
from .certificates import certificate_pdf, normalise_code
from .forms import CertificateCodeForm
from .models import Certificate


@cache_public_page()
def programme_list(request):
    # Lazy: a kept fragment costs no query.
    return render(
        request, "trainings/programme_list.html", {"programmes": SimpleLazyObject(selectors.programmes_for_public)}
    )


def find_certificate(code):
    """(the code as stored, the certificate) for a code as typed; None for what is not found."""
    normalised = normalise_code(code)
    if normalised is None:
        return None, None
    try:
        return normalised, selectors.certificate_by_code(normalised)
    except Certificate.DoesNotExist:
        return normalised, None


@cache_public_page()  # kept only without a query: a typed code is never kept
def certificate_find(request):
    """A form for the code on a certificate's paper, leading to its check page; nothing lists codes."""
    form = CertificateCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("trainings:certificate_verify", code=form.cleaned_data["code"])
    return render(request, "trainings/certificate_find.html", {"form": form})


@cache_public_page()
def certificate_verify(request, code):
    """The public check of a certificate: the holder's name, programme, level and date, and its state.

    A code typed in another case or with spaces leads to its one address; nothing lists codes."""
    normalised, certificate = find_certificate(code)
    if certificate is None:
        form = CertificateCodeForm(initial={"code": code[:40]})  # to correct the code typed
        return render(request, "trainings/certificate_unknown.html", {"code": code[:40], "form": form}, status=404)
    if normalised != code:
        return redirect("trainings:certificate_verify", code=normalised, permanent=True)
    return render(request, "trainings/certificate_verify.html", {"certificate": certificate})


@login_required
def certificate_download(request, code):
    """The certificate as PDF: for its holder and staff; anyone else is told it does not exist."""
    _normalised, certificate = find_certificate(code)
    if certificate is None or not can_download(request.user, certificate):
        raise Http404
    verify_url = request.build_absolute_uri(reverse("trainings:certificate_verify", args=[certificate.code]))
    content = certificate_pdf(
        certificate, hours_attended=selectors.enrolment_hours(certificate.enrolment_id), verify_url=verify_url
    )
    # "uverenje-K7M2….pdf" in Serbian: the code names the file; the day it was downloaded does not matter.
    filename = export_filename(pgettext("file name", "certificate"), extension="pdf", identifier=certificate.code)
    return file_response(content, content_type="application/pdf", filename=filename)


def can_download(user, certificate):
    if user.is_staff:
        return True
    coordinator = certificate.enrolment.participant.coordinator
    return coordinator is not None and coordinator.user_id is not None and coordinator.user_id == user.pk
