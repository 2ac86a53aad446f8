"""The user's notifications ("Powiadomienia") and their e-mail choices. Each user sees and
changes only their own; another user's notification answers 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflows.models import NotificationKind
from workflows.notifications import notification_read, notifications_read_all, preference_set
from workflows.notifications.tasks import ALWAYS_EMAILED
from workflows.selectors.notifications import emailed_kinds, notifications_for
from workflows.web import form_submit

PER_PAGE = 50


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Send me these notifications by e-mail"),
        # A high risk reaches the chair by e-mail whatever the choice (tasks.ALWAYS_EMAILED).
        choices=[c for c in NotificationKind.choices if c[0] not in ALWAYS_EMAILED],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Every notification is also listed here, in the application, whatever you choose."
        ),
    )


@login_required
def notification_list(request):
    page = Paginator(notifications_for(user=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "workflows/notifications.html", {"page": page})


@login_required
def notification_open(request, pk: int):
    """Mark the notification read and go to the page it is about."""
    notification = notification_read(actor=request.user, notification_id=pk)
    link = notification.link
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=None) or not link.startswith("/"):
        link = reverse("workflows:notifications")
    return HttpResponseRedirect(link)


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    notification_read(actor=request.user, notification_id=pk)
    return HttpResponseRedirect(reverse("workflows:notifications"))


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = notifications_read_all(actor=request.user)
    messages.success(request, _("Notifications marked as read: %(n)s.") % {"n": count})
    return HttpResponseRedirect(reverse("workflows:notifications"))


@login_required
def notification_preferences(request):
    form = PreferenceForm(request.POST or None, initial={"kinds": emailed_kinds(user=request.user)})
    if request.method == "POST":

        def perform() -> str:
            preference_set(actor=request.user, emailed_kinds=form.cleaned_data["kinds"])
            return reverse("workflows:notification_preferences")

        done = form_submit(
            request,
            form=form,
            perform=perform,
            once=False,
            success_message=_("Your choice is saved."),
        )
        if done is not None:
            return done
    return render(request, "workflows/notification_preferences.html", {"form": form})
