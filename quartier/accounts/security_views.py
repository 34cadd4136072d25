"""Account security pages: the sign-in's second step, two-step enrolment (authenticator
app, passkeys, recovery codes) and the signed-in devices. Served on every tenant's host
and on the operator's own domain (public schema) alike."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from quartier.accounts import devices, mfa
from quartier.accounts.signin import SigninLocked
from quartier.platform.errors import ApplicationError, NotFound
from quartier.platform.forms import add_application_error

SHOW_CODES = "quartier.mfa.show_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    credential = forms.CharField(required=False, max_length=20000, widget=forms.HiddenInput)


class TotpForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasskeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the passkey"), max_length=100, required=False
    )
    credential = forms.CharField(max_length=20000, widget=forms.HiddenInput)


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def security_page(view):
    @never_cache
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


# --- the sign-in's second step ---------------------------------------------------------


@never_cache
def second_step(request):
    pending = mfa.pending_user(request)
    if pending is None:
        messages.error(request, _("Your sign-in took too long. Please sign in again."))
        return redirect(_login_url(request))
    user, state = pending
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            mfa.second_step_verify(
                request,
                user,
                code=form.cleaned_data["code"],
                credential=form.cleaned_data["credential"],
            )
        except SigninLocked as locked:
            form.add_error(None, locked.message)
            status = 429
        except ApplicationError as error:
            add_application_error(form, error)
            status = 400
        else:
            mfa.pending_clear(request)
            login(request, user, backend=state["backend"])
            request.session[mfa.SESSION_VERIFIED] = True
            devices.device_record(request, user)
            return redirect(state["next"])
    elif request.method == "POST":
        status = 400
    methods = mfa.Methods(user)
    context = {
        "form": form,
        "methods": methods,
        "passkey_options": mfa.passkey_challenge(user) if methods.passkeys else None,
    }
    return render(request, "accounts/second_step.html", context, status=status)


def _login_url(request) -> str:
    return "admin:login" if getattr(request, "tenant", None) is None else "accounts:login"


# --- the security page ------------------------------------------------------------------


@security_page
def security(request):
    codes = request.session.pop(SHOW_CODES, None)
    context = {
        "methods": mfa.Methods(request.user),
        "devices": devices.device_list(request),
        "codes": codes,
        "password_form": PasswordForm(),
        "verified": bool(request.session.get(mfa.SESSION_VERIFIED)),
    }
    return render(request, "accounts/security.html", context)


@security_page
def totp_add(request):
    form = TotpForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = mfa.totp_enrol(request, request.user, code=form.cleaned_data["code"])
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return _enrolled(request, codes, _("The authenticator app is set up."))
    setup = mfa.totp_setup(request, request.user)
    return render(request, "accounts/totp_add.html", {"form": form, **setup}, status=status)


@security_page
def passkey_add(request):
    form = PasskeyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = mfa.passkey_enrol(
                    request,
                    request.user,
                    name=form.cleaned_data["name"],
                    credential=form.cleaned_data["credential"],
                )
            except ApplicationError as error:
                add_application_error(form, error)
            else:
                return _enrolled(request, codes, _("The passkey is added."))
    context = {"form": form, "options": mfa.passkey_begin(request.user)}
    return render(request, "accounts/passkey_add.html", context, status=status)


def _enrolled(request, codes, message: str):
    messages.success(request, message)
    if codes:
        request.session[SHOW_CODES] = codes
    return redirect("security:index")


def _with_password(request, act, done: str):
    form = PasswordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter your password to confirm."))
        return redirect("security:index")
    try:
        mfa.reauthenticate(request, request.user, password=form.cleaned_data["password"])
        result = act()
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("security:index")
    messages.success(request, done)
    return result


@require_POST
@security_page
def authenticator_remove(request, pk: int):
    def act():
        mfa.authenticator_remove(request.user, pk=pk)
        return redirect("security:index")

    return _with_password(request, act, _("The sign-in method is removed."))


@require_POST
@security_page
def recovery_codes_new(request):
    def act():
        request.session[SHOW_CODES] = mfa.recovery_codes_regenerate(request.user)
        return redirect("security:index")

    return _with_password(
        request, act, _("New recovery codes are ready; the old ones no longer work.")
    )


@require_POST
@security_page
def device_revoke(request, pk: int):
    devices.device_revoke(request, pk=pk)
    messages.success(request, _("That device is signed out."))
    return redirect("security:index")


@require_POST
@security_page
def device_revoke_others(request):
    count = devices.device_revoke_others(request)
    messages.success(request, _("Every other device is signed out (%(count)d).") % {"count": count})
    return redirect("security:index")
