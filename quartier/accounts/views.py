from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from quartier.accounts import services
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


def verify_email(request, token):
    try:
        services.email_verify(token=token)
    except ApplicationError as error:
        return render(request, "accounts/verify_email.html", {"error": error.message}, status=400)
    return render(request, "accounts/verify_email.html", {"error": None})


class SigninView(auth_views.LoginView):
    """Django's sign-in page, through the sign-in policy; a lockout answers 429."""

    form_class = SigninForm
    template_name = "accounts/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.retry_after:
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response
