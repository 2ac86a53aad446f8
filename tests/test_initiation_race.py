"""A card for a household that got an open procedure a moment ago (another card's
transaction committed it after this one looked for the household's open procedure) is
refused by the unique open procedure per household, and nothing of it is written. The
procedure's INSERT has no savepoint of its own (issue 16): the refusal ends the whole
transaction, on SQLite and PostgreSQL alike."""

import pytest

from forms.models import NKA
from tests.conftest import nka_input
from tests.scenarios import drive
from workflows import services
from workflows.models import Participant, Procedure, Role, Stage
from workflows.services import initiation
from workflows.steps import ServiceError

pytestmark = pytest.mark.django_db


def test_a_card_for_a_household_opened_a_moment_ago_is_refused_and_writes_nothing(
    world, monkeypatch
):
    first = drive(world, to=Stage.INITIATED)
    victim = Participant.objects.get(procedure=first, role=Role.VICTIM).person
    # The open procedure was not there when this card looked (the other card's commit came
    # after): the card opens one for the same household, which the database refuses.
    monkeypatch.setattr(initiation, "open_procedure_for_pesels", lambda *a, **k: None)
    data = nka_input(victim_pesel=victim.pesel)
    procedures, cards = Procedure.objects.count(), NKA.objects.count()
    with pytest.raises(ServiceError, match="Przed chwilą"):
        services.procedure_initiate(actor=world.teacher, **data)
    assert (Procedure.objects.count(), NKA.objects.count()) == (procedures, cards)
