"""Pages of the example site."""

from django.shortcuts import render

from django_instagram.models import InstagramAccount


def home(request):
    accounts = []
    if request.user.is_authenticated:
        accounts = list(InstagramAccount.objects.filter(user=request.user).order_by("created"))
    return render(request, "home.html", {"accounts": accounts})
