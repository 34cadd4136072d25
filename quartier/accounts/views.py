from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from quartier.accounts import mfa, services
from quartier.accounts.devices import device_record
from quartier.accounts.forms import SigninForm, SignupForm
from quartier.marketplace import eligibility
from quartier.platform.errors import ApplicationError
from quartier.platform.forms import add_application_error


def signup(request):
    form = SignupForm(request.POST or None, asks_for_code=eligibility.asks_for_code())
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_signup(**form.cleaned_data)
        except ApplicationError as error:
            add_application_error(form, error)
            # A refusal by the tenant's eligibility rule answers 403 with its message.
            status = 403 if error.code == eligibility.NOT_ELIGIBLE else 200
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # "Offer help" leads straight into the helper's onboarding.
            return redirect("workspace:start" if user.is_provider else "home")
    return render(request, "accounts/signup.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def verify_email(request, token):
    """The link in the mail opens a page with a button: mail scanners that open links
    must not confirm an address on the person's behalf, so only the POST writes."""
    try:
        if request.method == "POST":
            services.email_verify(token=token)
        else:
            services.email_token_user(token=token)
    except ApplicationError as error:
        return render(request, "accounts/verify_email.html", {"error": error.message}, status=400)
    confirmed = request.method == "POST"
    return render(request, "accounts/verify_email.html", {"error": None, "confirmed": confirmed})


DEFAULT_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SigninView(auth_views.LoginView):
    """Django's sign-in page, through the sign-in policy; a lockout answers 429.

    A user with an authenticator app or a passkey is not signed in by the password
    alone: they go on to the second step (quartier.accounts.security_views).
    """

    form_class = SigninForm
    template_name = "accounts/login.html"

    def form_valid(self, form):
        user = form.get_user()
        backend = getattr(user, "backend", DEFAULT_BACKEND)
        if mfa.has_second_factor(user):
            mfa.pending_start(
                self.request, user, backend=backend, redirect_to=self.get_success_url()
            )
            return redirect("security:second-step")
        login(self.request, user, backend=backend)
        # A password alone: no second step of an earlier sign-in in this browser counts.
        self.request.session.pop(mfa.SESSION_VERIFIED, None)
        self.request.session.pop(mfa.ALLAUTH_METHODS, None)
        device_record(self.request, user)
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response
