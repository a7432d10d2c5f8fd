"""The Check form's own widget writes exactly what Django's widget template would."""

import pytest
from django import forms

from kabinet.subscribers.forms import PlainTextInput


@pytest.mark.parametrize("value", [None, "", "0012345", 'Кон\'кова "<b>" & Co', 12])
@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_account", "required": True, "maxlength": "40"},
        {"autocomplete": "off", "hidden": False, "aria-describedby": "id_a-help id_a-error"},
        {"hx-get": "/register/streets/?a=1&b=2", "hx-trigger": "input changed delay:300ms"},
    ],
)
def test_the_plain_text_input_renders_as_django_does(value, attrs):
    base = {"spellcheck": "false", "inputmode": "text"}

    ours = PlainTextInput(attrs=base).render("account", value, attrs)
    django = forms.TextInput(attrs=base).render("account", value, attrs)

    assert ours == django


def test_the_check_form_renders_its_inputs_as_django_does(db, billed_account):
    from kabinet.subscribers.forms import CheckForm

    form = CheckForm({"account": "00 123", "street": "<script>", "house": ""})
    form.is_valid()

    for name in ["account", "street", "house", "korpus", "apartment", "surname"]:
        bound = form[name]
        ours = str(bound)
        plain = bound.field.widget
        bound.field.widget = forms.TextInput(attrs=plain.attrs)
        bound.field.widget.is_required = plain.is_required
        assert ours == str(bound), name
