"""Styled 404 and 500 pages; with DEBUG off no debug page ever shows."""

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from oms.urls import handler403, handler404, handler500  # noqa: F401
from oms.urls import urlpatterns as oms_urlpatterns


def boom(request):
    raise RuntimeError("a bug in a view")


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), *oms_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.test_error_pages")]


@override_settings(DEBUG=False)
def test_an_unknown_address_gets_the_styled_404(cs_user):
    client = Client()
    client.force_login(cs_user)
    for url in ("/no/such/page/", "/orders/OMS-NOTHERE/", "/returns/RMA-NOTHERE/"):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404, url
        assert 'data-error-page="404"' in html and "Page not found" in html
        assert "URLconf" not in html and "Traceback" not in html


@override_settings(DEBUG=False)
def test_a_broken_view_gets_the_styled_500_without_a_traceback(cs_user):
    client = Client(raise_request_exception=False)
    client.force_login(cs_user)
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert 'data-error-page="500"' in html and "a bug in a view" not in html and "Traceback" not in html


@override_settings(DEBUG=False)
def test_the_api_answers_problem_details_not_pages(cs_user):
    client = Client()
    client.force_login(cs_user)
    response = client.get("/api/v1/orders/OMS-NOTHERE/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
