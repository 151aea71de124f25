"""The coordinator area, /me/: a signed-in person's own office, trainings and survey. Nobody else's."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offices.models import PROPOSABLE_FIELDS
from offices.selectors import offices_of_coordinator
from offices.services import ProposalPending, office_change_propose
from trainings.selectors import participant_history, participant_survey_responses
from trainings.services import participant_for_coordinator, survey_response_save

from .forms import OfficeChangeForm, SurveyForm
from .selectors import coordinator_of, coordinator_overview, current_survey_version, participant_of


@login_required
def home(request):
    coordinator = coordinator_of(request.user)
    context = {"coordinator": coordinator}
    if coordinator is not None:
        context.update(coordinator_overview(coordinator))
    return render(request, "accounts/home.html", context)


@login_required
def history(request):
    coordinator = coordinator_of(request.user)
    participant = participant_of(coordinator) if coordinator else None
    enrolments = participant_history(participant) if participant else []
    return render(request, "accounts/history.html", {"coordinator": coordinator, "enrolments": enrolments})


# What the survey page says after saving, by what `survey_response_save` did.
SURVEY_SAVED = {
    "created": gettext_lazy("Thank you: your answers are saved."),
    "replaced": gettext_lazy("Thank you: today's answers were updated (one response a day is kept)."),
    "unchanged": gettext_lazy("These answers were already saved today: nothing was saved twice."),
}


@login_required
def survey(request):
    coordinator = coordinator_of(request.user)
    if coordinator is None:
        return render(request, "accounts/survey.html", {"coordinator": None})
    version = current_survey_version()
    participant = participant_of(coordinator)
    responses = participant_survey_responses(participant) if participant else []
    today = timezone.localdate()
    # Today's answers to this version are the form's: saving again that day replaces them.
    todays = next(
        (r for r in responses if r.version_id == getattr(version, "pk", None) and r.answered_on == today), None
    )
    initial = {f"q{answer.question_id}": answer.rating for answer in todays.answers.all()} if todays else None
    # Bound on any POST: one with no answer at all is told so, not shown the empty form again.
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, questions=version.question_list if version else [], initial=initial)
    if request.method == "POST" and version is not None and form.is_valid():
        try:
            saved = survey_response_save(
                participant=participant or participant_for_coordinator(coordinator=coordinator),
                version=version,
                answered_on=today,
                ratings=form.ratings(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, str(SURVEY_SAVED[saved.outcome]))
            return redirect("accounts:survey")
    return render(
        request,
        "accounts/survey.html",
        {"coordinator": coordinator, "version": version, "form": form, "responses": responses, "todays": todays},
    )


@login_required
def office_change(request, slug):
    """Propose new public details for an office the signed-in coordinator currently runs (else 404)."""
    coordinator = coordinator_of(request.user)
    if coordinator is None:
        raise Http404
    office = get_object_or_404(offices_of_coordinator(coordinator), slug=slug)
    initial = {name: getattr(office, name) for name in PROPOSABLE_FIELDS}
    form = OfficeChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # A field the post does not carry was not on the page that sent it: it proposes nothing (every
        # field is text, so the page posts each one, empty or not).
        values = {name: form.cleaned_data[name] for name in PROPOSABLE_FIELDS if name in request.POST}
        try:
            office_change_propose(office=office, user=request.user, values=values, shown=form.shown())
        except ProposalPending as pending:
            messages.info(
                request,
                _(
                    "You already proposed exactly this change on %(date)s and it is waiting for review: "
                    "it was not sent again."
                )
                % {"date": date_format(timezone.localtime(pending.proposal.proposed_at), "SHORT_DATE_FORMAT")},
            )
            return redirect("accounts:home")
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the association's staff will review your proposal."))
            return redirect("accounts:home")
    return render(request, "accounts/office_change.html", {"office": office, "form": form})


class SignInView(auth_views.LoginView):
    """/accounts/login/: a coordinator lands in their area (settings.LOGIN_REDIRECT_URL, /me/), staff on
    the admin's index, where their work is; a `next` address wins for both."""

    def get_default_redirect_url(self):
        if self.request.user.is_staff:
            return resolve_url("admin:index")
        return super().get_default_redirect_url()


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation link: set a password once, then land signed in on /me/."""

    template_name = "accounts/welcome.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set and you are signed in."))
        return response
