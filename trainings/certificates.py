"""Certificate codes as people type them, and the certificate as a PDF (fpdf2, DejaVu, a segno QR code).

The PDF is drawn in the active language; its QR code holds the absolute address of the certificate's
public page, so anyone checks it with a phone (as Youthpass and EU diplomas do).
"""

import unicodedata

import segno
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from portal.text import decimal_text, in_active_script

from .models import CODE_ALPHABET, CODE_LENGTH, CertificateStatus

# DejaVu covers Serbian Latin (č, ć, đ, š, ž) and Cyrillic; it comes from the npm package
# dejavu-fonts-ttf (package.json), installed by `make setup` like the front-end libraries.
FONT_DIR = settings.NODE_MODULES / "dejavu-fonts-ttf" / "ttf"
FONT = "DejaVu"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}


def normalise_code(text):
    """A code as typed from paper or copied from a screen: any case, width, spaces or dashes, invisible
    characters (a soft hyphen, a zero-width space); None if it cannot be a code at all."""
    code = "".join(
        character
        for character in unicodedata.normalize("NFKC", text).upper()
        if not character.isspace() and unicodedata.category(character) not in ("Pd", "Cf")
    )
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        return None
    return code


def pdf_date(day):
    """Every date on the certificate in one form, the language's long one: "1. aprila 2023.", "April 1, 2023"
    (a paper read abroad too: no figures to take for day or month, no mix of padded and plain figures)."""
    return date_format(day, "DATE_FORMAT")


def certificate_qr(verify_url):
    """The QR code of the certificate's public address (error correction M: survives a crease)."""
    return segno.make(verify_url, error="m", micro=False)


def not_valid_band(certificate):
    """(headline, detail) for a certificate that is no longer valid, or None for a valid one."""
    if certificate.status == CertificateStatus.REVOKED:
        return _("REVOKED – NOT VALID"), _("This certificate was revoked on %(date)s.") % {
            "date": pdf_date(certificate.revoked_on)
        }
    if certificate.status == CertificateStatus.REPLACED:
        new = certificate.replaced_by
        return _("REPLACED – NOT VALID"), _("This certificate was replaced on %(date)s by certificate %(code)s.") % {
            "date": pdf_date(new.issued_on),
            "code": new.code,
        }
    return None


def certificate_pdf(certificate, *, hours_attended, verify_url):
    """The certificate as PDF bytes. `certificate` comes from `Certificate.objects.for_verification()`: the
    training's dates are its first and last session (`held_from`, `held_until`), what really ran, not the
    cohort's planned dates (a certificate must not claim training after its issue date)."""
    enrolment = certificate.enrolment
    cohort, programme = enrolment.cohort, enrolment.cohort.programme
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(_("Certificate %(code)s") % {"code": certificate.code})
    pdf.set_author(_("National association of youth offices"))
    pdf.set_auto_page_break(False)
    for style, path in FONT_FILES.items():
        pdf.add_font(FONT, style, path)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text, size, style="", height=None, space=0):
        pdf.set_font(FONT, style, size)
        pdf.multi_cell(width, height or size * 0.5, text, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(space)

    pdf.set_draw_color(26, 82, 118)
    pdf.set_line_width(1)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    band = not_valid_band(certificate)
    if band:
        # A printed copy of a revoked or replaced certificate must not pass for a valid one.
        headline, detail = band
        pdf.set_fill_color(176, 0, 32)
        pdf.rect(10, 14, pdf.w - 20, 26, style="F")
        pdf.set_text_color(255, 255, 255)
        pdf.set_y(16)
        line(headline, 24, "B", height=12)
        line(detail, 11, height=6)
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(46)
    else:
        pdf.set_y(30)
    line(_("National association of youth offices"), 12, space=14)
    line(_("CERTIFICATE"), 28, "B", space=4)
    line(_("of completed training"), 14, space=16)
    line(_("This certifies that"), 12, space=4)
    line(in_active_script(enrolment.participant.full_name), 22, "B", space=8)
    line(_("completed the training programme"), 12, space=4)
    line(in_active_script(programme.name), 16, "B", space=4)
    line(
        _("%(level)s level, %(hours)s hours, %(start)s – %(end)s")
        % {
            "level": cohort.get_level_display(),
            "hours": decimal_text(hours_attended),
            "start": pdf_date(getattr(certificate, "held_from", None) or cohort.starts_on),
            "end": pdf_date(getattr(certificate, "held_until", None) or cohort.ends_on),
        },
        12,
        space=4,
    )
    line(cohort.place_name, 12, space=4)
    if programme.partners:
        line(_("In partnership with: %(partners)s") % {"partners": in_active_script(programme.partners)}, 10, space=2)
    if programme.funder:
        line(_("Supported by: %(funder)s") % {"funder": in_active_script(programme.funder)}, 10, space=2)
    pdf.ln(2)
    line(
        _("Issued on %(date)s") % {"date": pdf_date(certificate.issued_on)},
        12,
        space=0,
    )

    # The QR code, drawn as squares (vector, sharp at any size), and linked to the same address.
    size = 40
    qr = certificate_qr(verify_url)
    columns, _rows = qr.symbol_size(border=0)
    module = size / columns
    left, top = (pdf.w - size) / 2, max(200, pdf.get_y() + 8)  # below the text, however long the names
    pdf.set_fill_color(0, 0, 0)
    for row_number, row in enumerate(qr.matrix_iter(border=0)):
        for column_number, dark in enumerate(row):
            if dark:
                pdf.rect(left + column_number * module, top + row_number * module, module, module, style="F")
    pdf.link(left, top, size, size, verify_url)
    pdf.set_y(top + size + 6)
    line(_("Certificate code: %(code)s") % {"code": certificate.code}, 12, "B", space=2)
    line(_("Check this certificate at:"), 10, space=1)
    line(verify_url, 10)
    return bytes(pdf.output())
