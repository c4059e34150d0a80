"""Every text a form takes has a limit the server enforces, and a text area states it."""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms

FORM_MODULES = [
    "applications.forms",
    "cohorts.forms",
    "projects.forms",
    "coaching.forms",
    "leanleaders.forms",
]
# Pasted rows go through projects.csv_import, which refuses more than 1 MB with its own message.
LIMITED_BY_THE_PARSER = {("ImportForm", "pasted"), ("MeasureForm", "baseline_points_text")}


def text_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for name, field in form.base_fields.items():
                if isinstance(field, forms.CharField) and (form_name, name) not in (
                    LIMITED_BY_THE_PARSER
                ):
                    yield pytest.param(field, id=f"{form_name}.{name}")


@pytest.mark.parametrize("field", list(text_fields()))
def test_every_text_field_has_a_server_side_limit(field):
    assert field.max_length is not None
    assert field.max_length <= 5000


@pytest.mark.parametrize("field", list(text_fields()))
def test_every_text_area_states_its_limit(field):
    if isinstance(field.widget, forms.Textarea):
        assert f"Up to {field.max_length:,} characters." in str(field.help_text)
