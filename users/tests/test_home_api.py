"""The Home page's reference data: platforms, announcements and a random fact (public, read-only, shared)."""

import pytest
from django.urls import reverse

from users.models import LearningFact, LearningPlatform
from users.tests.factories import AnnouncementFactory

pytestmark = pytest.mark.django_db


def test_platforms_answer_an_object_with_every_shipped_platform(anon_client):
    response = anon_client.get(reverse("platform-list"), {"q": ""})

    assert response.status_code == 200
    platforms = response.json()["platforms"]
    assert len(platforms) == LearningPlatform.objects.count() > 10
    assert set(platforms[0]) == {"name", "category", "cost_model", "offers_certificates", "description", "home"}


def test_platforms_filter_by_words_cost_and_certificates(api_client):
    response = api_client.get(reverse("platform-list"), {"q": "data", "cost": "free", "certs": "yes"})

    names = [platform["name"] for platform in response.json()["platforms"]]
    assert names == ["freeCodeCamp", "Kaggle Learn"]  # by name, ignoring letter case
    assert all(
        platform["cost_model"] == "free" and platform["offers_certificates"]
        for platform in response.json()["platforms"]
    )


def test_platforms_unknown_cost_is_400(api_client):
    response = api_client.get(reverse("platform-list"), {"cost": "cheap"})

    assert response.status_code == 400
    assert "cost" in response.json()


def test_random_fact_has_text_and_source(anon_client):
    response = anon_client.get(reverse("fact-random"), {"t": "1733270400000"})

    assert response.status_code == 200
    assert set(response.json()) == {"text", "source", "source_url"}
    assert response.json()["source_url"].startswith("https://")


def test_random_fact_without_facts_is_404_json(anon_client):
    LearningFact.objects.all().delete()

    response = anon_client.get(reverse("fact-random"))

    assert response.status_code == 404
    assert response.json() == {"detail": "No facts yet."}


def test_announcements_shape_numbers_and_default_order(api_client):
    older = AnnouncementFactory(discount_pct=40, price_original="50.00", price_current="30.00", tags=["a", "b"])
    newer = AnnouncementFactory()

    response = api_client.get(reverse("announcement-list"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [item["id"] for item in results] == [newer.id, older.id]
    assert results[1] == {
        "id": older.id,
        "title": older.title,
        "platform": "Coursera",
        "type": "enrollment",
        "url": "https://www.coursera.org",
        "starts_at": older.starts_at.isoformat(),
        "ends_at": older.ends_at.isoformat(),
        "discount_pct": 40,
        "price_original": 50.0,
        "price_current": 30.0,
        "tags": ["a", "b"],
    }


def test_announcements_filters_search_and_ordering(api_client):
    udemy_deal = AnnouncementFactory(platform="Udemy", type="discount", title="Python sale")
    AnnouncementFactory(platform="Coursera", type="enrollment", title="Python cohort")
    AnnouncementFactory(platform="edX", type="discount", title="Certificates sale")

    by_platform = api_client.get(reverse("announcement-list"), {"platform": "udemy", "type": "discount"})
    by_search = api_client.get(reverse("announcement-list"), {"search": "python", "ordering": "title"})
    misspelled_ordering = api_client.get(reverse("announcement-list"), {"ordering": "starts_atr"})
    by_dates = api_client.get(
        reverse("announcement-list"),
        {"starts_at_after": udemy_deal.starts_at.isoformat(), "ends_at_before": udemy_deal.ends_at.isoformat()},
    )

    assert [item["id"] for item in by_platform.json()["results"]] == [udemy_deal.id]
    assert [item["title"] for item in by_search.json()["results"]] == ["Python cohort", "Python sale"]
    assert misspelled_ordering.status_code == 200
    assert misspelled_ordering.json()["count"] == 3
    assert [item["id"] for item in by_dates.json()["results"]] == [udemy_deal.id]


def test_announcements_bad_filter_values_are_400(api_client):
    assert api_client.get(reverse("announcement-list"), {"type": "free-stuff"}).status_code == 400
    assert api_client.get(reverse("announcement-list"), {"starts_at_after": "soon"}).status_code == 400


def test_home_data_is_read_only(api_client):
    assert api_client.post(reverse("announcement-list"), {"title": "x"}).status_code == 405
    assert api_client.post(reverse("platform-list"), {"name": "x"}).status_code == 405


def test_announcement_list_query_count_does_not_grow(api_client, django_assert_num_queries):
    AnnouncementFactory.create_batch(3)
    with django_assert_num_queries(1):  # the page, with the paginator's total in the same statement
        api_client.get(reverse("announcement-list"))

    AnnouncementFactory.create_batch(27)
    with django_assert_num_queries(1):
        api_client.get(reverse("announcement-list"))


@pytest.mark.parametrize("name", ["platform-list", "announcement-list", "fact-random"])
def test_home_data_ignores_a_stale_token(anon_client, name):
    anon_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = anon_client.get(reverse(name))

    assert response.status_code == 200
