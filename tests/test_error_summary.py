"""The error summary at the top of a form page (core/templatetags/form_errors.py, WCAG 2.1
SC 3.3.1): "The form contains N errors", a link to each field with an error (formset rows
too), and the field itself marked ``aria-invalid`` and described by its message."""

import re

import pytest
from django import forms
from django.urls import reverse

from core.templatetags.form_errors import collect, field_target
from tests.test_web_scenario import _d, nka_post_data
from workflows.models import Procedure


def _summary(body: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    assert found, "no error summary on the page"
    return found.group(0)


@pytest.mark.django_db
def test_nka_with_errors_lists_each_error_at_the_top_with_a_link_to_its_field(client, world):
    client.force_login(world.teacher)
    data = nka_post_data(**{"people-1-pesel": "12345678901", "incident_date": _d(-3), "place": ""})

    response = client.post(reverse("workflows:nka_create"), data)

    body = response.content.decode()
    summary = _summary(body)
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    assert "id_people-1-pesel" in targets  # a formset row's field
    assert "id_place" in targets and "id_incident_date" in targets
    assert f"Formularz zawiera {len(re.findall('<li>', summary))} b" in summary
    for target in targets:
        field = re.search(rf'<[^>]+ id="{re.escape(target)}"[^>]*>', body).group(0)
        assert 'aria-invalid="true"' in field
        assert f'aria-describedby="{target}_error"' in field
        assert f'id="{target}_error"' in body
    # The summary comes before the first field, and the focus script is served by the site.
    assert body.index('class="error-summary"') < body.index('id="id_people-0-role"')
    assert '<script src="/static/core/forms.js" defer></script>' in body
    assert not Procedure.objects.exists()


@pytest.mark.django_db
def test_a_form_without_errors_has_no_summary(client, world):
    client.force_login(world.teacher)

    body = client.get(reverse("workflows:nka_create")).content.decode()

    assert "error-summary" not in body


def test_a_group_of_checkboxes_links_to_its_first_box():
    class F(forms.Form):
        kinds = forms.MultipleChoiceField(
            label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )
        name = forms.CharField(label="Name")

    form = F(data={})
    form.is_valid()

    assert [link.target for link in collect(form)] == ["id_kinds_0", "id_name"]
    assert field_target(form["name"]) == "id_name"


def test_non_field_and_formset_errors_are_listed_without_a_link():
    class F(forms.Form):
        name = forms.CharField(required=False)

        def clean(self):
            raise forms.ValidationError("Whole form refused.")

    formset = forms.formset_factory(F, min_num=1, validate_min=True)(
        data={
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-name": "x",
        }
    )
    formset.is_valid()

    links = collect(formset, "", None)
    assert [link.message for link in links] == ["Whole form refused."]
    assert links[0].target == ""
