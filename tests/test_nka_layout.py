"""NK-A on the page in the parts of the printed card (workflows/nka_layout.py): every field
of the form in exactly one part, checkboxes beside their labels, the forms of violence a
group with a legend, the parts' legends in the card's order."""

import re

import pytest
from django.urls import reverse

from workflows import nka_layout
from workflows.step_forms import NKAForm


def test_every_nka_field_is_placed_exactly_once():
    placed = nka_layout.laid_out_fields(NKAForm)

    assert sorted(placed) == sorted(NKAForm.base_fields)
    assert len(placed) == len(set(placed))


@pytest.mark.django_db
def test_the_page_shows_the_parts_in_the_cards_order_with_checkboxes_beside_labels(client, world):
    client.force_login(world.teacher)

    body = client.get(reverse("workflows:nka_create")).content.decode()

    legends = re.findall(r"<legend>([^<]+)</legend>", body)
    expected = [
        "Miejsce wypełnienia i właściwy zespół",
        "Opis zdarzenia",
        "Formy przemocy domowej",
        "Obrażenia",
        "Działania podjęte w czasie interwencji",
        "Informacje dodatkowe",
    ]
    positions = [legends.index(legend) for legend in expected]
    assert positions == sorted(positions)
    # A checkbox comes before its own label, in one line.
    assert re.search(
        r'<input type="checkbox" name="visible_injuries" id="id_visible_injuries"[^>]*> '
        r'<label for="id_visible_injuries">',
        body,
    )
    # The forms of violence: a group named by its legend, not an orphan label.
    group = re.search(r'<fieldset class="field choices[^>]*>\s*<legend>([^<]+)</legend>', body)
    assert group and group.group(1) == "Formy przemocy"
    assert '<label for="id_violence_forms">' not in body
