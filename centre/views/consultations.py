"""Consultations, and the NK-A filled after one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.services import log_read
from centre import forms, selectors, services
from centre.models import Consultation
from centre.views._shared import GET_POST, form_page, seen
from workflows import idempotency, permissions, step_forms
from workflows import selectors as workflow_selectors
from workflows.models import Role
from workflows.web import form_submit, nka_recorded


@login_required
def consultation_list(request):
    centre = selectors.centre_or_404(request.user)
    consultations = (
        Consultation.objects.filter(centre=centre)
        .select_related("staff")
        .prefetch_related("clients__person")[:300]
    )
    seen(
        request,
        "centre.consultations_viewed",
        [client.person_id for c in consultations for client in c.clients.all()],
    )
    return render(
        request,
        "centre/consultation_list.html",
        {"centre": centre, "consultations": consultations},
    )


@login_required
@GET_POST
def consultation_create(request):
    centre = selectors.centre_or_404(request.user)
    form = forms.ConsultationForm(request.POST or None, people=selectors.people_of(centre))

    def perform() -> str:
        d = form.cleaned_data
        services.consultation_record(
            actor=request.user,
            data=services.ConsultationInput(
                kind=d["kind"],
                mode=d["mode"],
                held_on=d["held_on"],
                duration_minutes=d["duration_minutes"],
                person_ids=[p.pk for p in d["people"]],
                place=d["place"],
                field_reason=d["field_reason"],
                notes=d["notes"],
            ),
        )
        return reverse("centre:consultation_list")

    return form_page(
        request,
        centre,
        form,
        title=_("Record a consultation"),
        perform=perform,
        success_message=_("The consultation is recorded."),
        read=("centre.consultation_form_viewed", ["people"]),
    )


def _nka_forms(professional, records, data=None):
    """NK-A's form and its people, the consultation's people (as the centre recorded them)
    as the victims and one row for the suspect."""
    initial = [
        {
            "role": Role.VICTIM,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "pesel": c.pesel or "",
            "birth_date": c.birth_date,
            "sex": c.sex,
            "phone": c.phone,
        }
        for c in records
    ] + [{"role": Role.SUSPECT}]
    form = step_forms.NKAForm(
        data, initial={"place": professional.municipality.name, "nkb_handed": True}
    )
    return form, step_forms.PersonFormSet(data, prefix="people", initial=initial)


@login_required
@GET_POST
def consultation_nka(request, pk):
    """Fill NK-A after a consultation: the card and the link to the consultation are written
    together (``services.consultation_file_nka``); the filer must be a professional with a
    confidentiality declaration, as for any NK-A."""
    centre = selectors.centre_or_404(request.user)
    consultation = get_object_or_404(Consultation.objects.filter(centre=centre), pk=pk)
    professional = workflow_selectors.professional_for(request.user)
    if professional is None or not professional.has_declaration:
        raise PermissionDenied
    if not permissions.may_file_nka(professional):
        # § 2 ust. 2 of Dz.U. 2023 poz. 1870: the same explanation as the "New NK-A" page.
        return render(
            request,
            "workflows/nka_refused.html",
            {"reason": permissions.nka_filing_refusal(professional)},
            status=403,
        )
    adding_row = "add_row" in request.POST
    if request.method == "POST" and not adding_row:
        # A card sent again goes where the first went, before the 404 of a filled card.
        previous = idempotency.previous_submission(request)
        if previous is not None:
            return previous
    if consultation.procedure_id is not None:
        raise Http404  # its NK-A is filled: the consultation list says so
    records = [c.person for c in consultation.clients.select_related("person")]
    data = None
    if adding_row:
        # "More rows for people": everything typed comes back with one empty row more,
        # nothing validated or saved.
        data = request.POST.copy()
        total = data.get("people-TOTAL_FORMS", "")
        data["people-TOTAL_FORMS"] = str(min(int(total) + 1, 20) if total.isdigit() else 3)
    elif request.method == "POST":
        data = request.POST
    form, people = _nka_forms(professional, records, data)
    if adding_row:
        step_forms.without_validation(form, people)
    elif data is not None:

        def file() -> str:
            nka = form.save(commit=False)
            entries = [f.save(commit=False) for f in people.forms if f.cleaned_data]
            filed = services.consultation_file_nka(
                actor=request.user, consultation_id=consultation.pk, card=nka, people=entries
            )
            messages.success(request, nka_recorded(filed.nka, filed.forwarded_to))
            return reverse("workflows:card_detail", args=[filed.nka.pk])

        done = form_submit(request, form=form, formsets={"people": people}, perform=file)
        if done:
            return done
    else:
        log_read(
            action="nka_form.viewed",
            request=request,
            people=[record.person_id for record in records],
        )
    return render(request, "workflows/nka_form.html", {"form": form, "people": people})
