"""?search= on every list that has it: a term it cannot take is a 400 keyed by the parameter, like any bad filter."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEARCHABLE = ["certificate-list", "project-list", "skill-list", "announcement-list"]


@pytest.mark.parametrize("name", SEARCHABLE)
def test_a_null_character_is_a_400_naming_search(api_client, name):
    response = api_client.get(reverse(name), {"search": "a\x00b"})

    assert response.status_code == 400
    assert response.json() == {"search": ["Null characters are not allowed."]}


@pytest.mark.parametrize("name", SEARCHABLE)
def test_an_ordinary_or_empty_search_still_answers(api_client, name):
    assert api_client.get(reverse(name), {"search": "python sql"}).status_code == 200
    assert api_client.get(reverse(name), {"search": ""}).json() == api_client.get(reverse(name)).json()
