"""Pages of the platform kernel: the operator's landing page and the storefront home."""

from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from quartier.marketplace.selectors import marketplace_settings


def operator_home(request):
    from quartier.tenants.selectors import tenant_list

    tenants = tenant_list() if request.user.is_authenticated and request.user.is_staff else []
    return render(request, "platform/operator_home.html", {"tenants": tenants})


# The back office theme editor previews the home page in an iframe of the same host.
@xframe_options_sameorigin
def storefront_home(request):
    return render(request, "platform/storefront_home.html", {"marketplace": marketplace_settings()})
