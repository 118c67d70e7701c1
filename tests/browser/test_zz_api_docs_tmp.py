import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_api_docs_render_from_local_files(open_page, request):
    from tests.browser.conftest import guard_of
    page: Page = open_page(language="en")
    guard = guard_of(page, request)
    response = page.goto("/api/v1/docs/")
    assert response.status == 200
    expect(page.get_by_text("Mahatat API").first).to_be_visible()
    expect(page.locator("#operations-stations-stations_list")).to_be_visible()
    page.locator("#operations-stations-stations_list .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".responses-table .response-col_status").first).to_contain_text("200")
    print("REQUESTS", [r.url for r in guard.requests])
    print("OUTSIDE", guard.outside_requests)
    assert not guard.outside_requests
