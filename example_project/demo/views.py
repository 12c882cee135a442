"""Pages of the example site: the home page with linked accounts, and one media."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from django_instagram.feeds import media_or_last_good
from django_instagram.models import InstagramAccount


def home(request):
    accounts = []
    if request.user.is_authenticated:
        accounts = list(InstagramAccount.objects.filter(user=request.user).order_by("created"))
    return render(request, "home.html", {"accounts": accounts})


@login_required
def media(request, account_id, media_id):
    """Show one media of the signed-in user's account: a picture, a video or a carousel."""
    account = get_object_or_404(InstagramAccount, pk=account_id, user=request.user)
    found = media_or_last_good(account, media_id)
    if found is None:
        raise Http404("Instagram did not return this media.")
    return render(request, "media.html", {"account": account, "media": found})
