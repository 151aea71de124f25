"""The coordinator area, /me/: a signed-in person's own office, trainings and survey. Nobody else's."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _

from offices.models import PROPOSABLE_FIELDS
from offices.selectors import offices_of_coordinator
from offices.services import office_change_propose
from trainings.selectors import participant_history, participant_survey_responses
from trainings.services import participant_for_coordinator, survey_response_create

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


@login_required
def survey(request):
    coordinator = coordinator_of(request.user)
    if coordinator is None:
        return render(request, "accounts/survey.html", {"coordinator": None})
    version = current_survey_version()
    # Bound on any POST: one with no answer at all is told so, not shown the empty form again.
    data = request.POST if request.method == "POST" else None
    form = SurveyForm(data, questions=version.question_list if version else [])
    if request.method == "POST" and version is not None and form.is_valid():
        try:
            survey_response_create(
                participant=participant_for_coordinator(coordinator=coordinator),
                version=version,
                answered_on=timezone.localdate(),
                ratings=form.ratings(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect("accounts:survey")
    participant = participant_of(coordinator)
    responses = participant_survey_responses(participant) if participant else []
    return render(
        request,
        "accounts/survey.html",
        {"coordinator": coordinator, "version": version, "form": form, "responses": responses},
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
