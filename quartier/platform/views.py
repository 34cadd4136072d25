"""Pages of the platform kernel: the operator's landing page and the storefront home."""

from django.shortcuts import render

from quartier.marketplace.selectors import marketplace_settings


def operator_home(request):
    from quartier.tenants.selectors import tenant_list

    tenants = tenant_list() if request.user.is_authenticated and request.user.is_staff else []
    return render(request, "platform/operator_home.html", {"tenants": tenants})


def storefront_home(request):
    return render(request, "platform/storefront_home.html", {"marketplace": marketplace_settings()})
