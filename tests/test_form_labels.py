"""Each statutory form is declared once: the page's labels and choices are the model's.

The forms of the steps are ModelForms; these tests render them in Polish and check that
every field that is a model field carries that field's ``verbose_name`` and ``choices``, so
the page and the record can never drift apart again (issue 12: NK-A's "victim feels in
danger" had two labels, NK-D offered its own programme list). They also pin the defects
found on the pages: the victim-meeting page's second "place" input, the codes of the forms
of violence on the NK-A page.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from documents.models import DocumentKind
from forms.choices import Programme
from forms.models import NKA, NKD, ViolenceForm
from tests.test_web_scenario import _d, drive_to_actions, nka_post_data
from workflows import group_forms, request_forms, step_forms
from workflows.models import Meeting, Notification, Referral
from workflows.snapshots import build

FORMS = [
    step_forms.NKAForm,
    step_forms.PersonForm,
    step_forms.VictimMeetingForm,
    step_forms.SuspectMeetingForm,
    step_forms.PlanItemForm,
    step_forms.PlanItemAddForm,
    step_forms.PlanItemStatusForm,
    request_forms.ReferralRequestForm,
    step_forms.ProtectiveOrderForm,
    request_forms.NotificationRequestForm,
    step_forms.MonitoringNoteForm,
    group_forms.GroupMemberRegisterForm,
]
# The models whose fields a page mixes into a ModelForm of another model (one page, one form).
MIXED_IN = {
    step_forms.VictimMeetingForm: "nkc",
    step_forms.SuspectMeetingForm: "nkd",
}
# Form fields named after the service's input, not the record's field.
RENAMED = {(Notification, "person"): "concerning"}


def _model_field(form_class, name):
    """The model field that form field ``name`` of ``form_class`` shows, or None."""
    model = form_class._meta.model
    name = RENAMED.get((model, name), name)
    candidates = [model]
    if form_class in MIXED_IN:
        candidates.insert(0, model._meta.get_field(MIXED_IN[form_class]).related_model)
    for candidate in candidates:
        try:
            return candidate._meta.get_field(name)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: try the next model
            continue
    return None


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_every_label_is_the_models_verbose_name_in_polish(form_class):
    with translation.override("pl"):
        form = form_class()
        checked = 0
        for name, field in form.fields.items():
            model_field = _model_field(form_class, name)
            if model_field is None:
                continue
            assert str(field.label) == str(capfirst(model_field.verbose_name)), name
            checked += 1
            if model_field.choices:
                offered = [value for value, _label in field.choices if value != ""]
                assert offered == [value for value, _label in model_field.choices], name
        assert checked, form_class


def test_the_nka_page_shows_the_models_labels(client, world):
    client.force_login(world.teacher)
    with translation.override("pl"):
        body = client.get(reverse("workflows:nka_create"), HTTP_ACCEPT_LANGUAGE="pl").content
        body = body.decode()
        for name in ("victim_feels_in_danger", "nkb_not_handed_reason", "incident_place"):
            label = str(capfirst(NKA._meta.get_field(name).verbose_name))
            assert f">{label}" in body, name


def test_nkd_offers_exactly_the_referral_programmes():
    """NK-D's "programme agreed" and the referral's programme are one list."""
    assert Referral.Programme is Programme
    assert NKD._meta.get_field("agreed_programme").choices == Programme.choices
    field = step_forms.SuspectMeetingForm().fields["agreed_programme"]
    assert [value for value, _label in field.choices] == ["", *Programme.values]


def test_nkd_refuses_a_programme_that_is_not_in_the_list():
    form = step_forms.SuspectMeetingForm({"agreed_programme": "free text"})
    assert "agreed_programme" in form.errors


def test_violence_forms_are_shown_by_their_polish_names(client, world):
    client.force_login(world.teacher)
    client.post(reverse("workflows:nka_create"), nka_post_data())
    nka = NKA.objects.get()
    with translation.override("pl"):
        assert nka.violence_forms_display() == ["fizyczna", "psychiczna"]
    client.force_login(world.chair)
    url = reverse("workflows:nka_detail", args=[nka.procedure_id, nka.pk])
    body = client.get(url).content.decode()
    assert "fizyczna, psychiczna" in body
    assert not re.search(r"\b(physical|psychological)\b", body)


@pytest.mark.django_db
def test_the_victim_meeting_page_has_one_place_field(client, world):
    procedure = drive_to_actions(client, world, stop_before_meetings=True)
    client.force_login(world.social_worker)
    body = client.get(reverse("workflows:victim_meeting", args=[procedure.pk])).content.decode()

    assert len(re.findall(r'name="place"', body)) == 1
    assert len(re.findall(r'name="safety_place"', body)) == 1
    with translation.override("pl"):
        meeting_place = str(capfirst(Meeting._meta.get_field("place").verbose_name))
    assert meeting_place == "Miejsce spotkania"
    assert f">{meeting_place}" in body
    assert "Bezpieczne miejsce" in body


@pytest.mark.django_db
def test_the_invitation_prints_the_meeting_place_typed(client, world):
    procedure = drive_to_actions(
        client,
        world,
        victim_meeting={
            "invited_on": _d(3),
            "place": "Sala 12, OPS Testowo",
            "safety_place": "u siostry, ul. Lipowa 1",
        },
    )
    meeting = Meeting.objects.get(procedure=procedure, kind=Meeting.Kind.VICTIM)
    assert meeting.place == "Sala 12, OPS Testowo"
    assert meeting.nkc.safety_place == "u siostry, ul. Lipowa 1"

    snapshot = build(procedure, DocumentKind.VICTIM_INVITATION, f"meeting:{meeting.pk}")

    assert snapshot["data"]["place"] == "Sala 12, OPS Testowo"


def test_violence_form_labels_are_the_models_choices():
    assert step_forms.NKAForm.base_fields["violence_forms"].choices == list(ViolenceForm.choices)


def test_dates_in_the_future_are_refused_where_they_were():
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    form = step_forms.MonitoringNoteForm({"visited_on": tomorrow, "note": "x"})
    assert "visited_on" in form.errors
    form = step_forms.PersonForm({"role": "victim", "first_name": "A", "birth_date": tomorrow})
    assert "birth_date" in form.errors


def test_a_plain_forms_labels_begin_with_a_capital_letter_like_a_model_forms():
    from centre.forms import ConsultationForm

    with translation.override("pl"):
        html = str(ConsultationForm())
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", html)
    assert "Rodzaj:" in labels and "Data:" in labels, labels
    assert all(label[0] == label[0].upper() for label in labels), labels
