"""Who can do what, where: every persona against every staff action, with the answer each must get.

Station A (Marka, GAM area 3) and station B (Tareq, area 10) are in Amman; station C is in Irbid. The back-office
list must show each persona exactly the stations in their scope, and a manager gets 404 (not even "it exists")
for a station outside it, or 403 where they work at the station but may not change it.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from mahatat.accounts.models import CitizenProfile, PersonalDataAccess, Role
from mahatat.accounts.services import assign_role
from mahatat.stations.models import Governorate, Municipality, Station
from tests.factories import StationFactory, UserFactory, amman

pytestmark = pytest.mark.django_db


PERSONAS = [
    "gam_admin",
    "nitc_coordinator",
    "station_manager",
    "manager_b",
    "area_manager",
    "governorate_manager",
    "station_staff",
    "trainer",
    "inspector",
    "inspection_supervisor",
    "citizen",
    "business_owner",
    "superuser",
    "anonymous",
]
ACTIONS = ["list", "edit_a", "post_a", "edit_b", "search", "reveal", "admin"]

# persona: expected status for each action, in the order of ACTIONS.
EXPECTED: dict[str, tuple[int, ...]] = {
    #                        list edit_a post_a edit_b search reveal admin
    "gam_admin":             (200, 200, 302, 200, 200, 200, 302),
    "nitc_coordinator":      (200, 403, 403, 403, 403, 403, 302),
    "station_manager":       (200, 200, 302, 404, 200, 200, 302),
    "manager_b":             (200, 404, 404, 200, 200, 200, 302),
    "area_manager":          (200, 200, 302, 404, 200, 200, 302),
    "governorate_manager":   (200, 200, 302, 200, 200, 200, 302),
    "station_staff":         (200, 403, 403, 404, 200, 200, 302),
    "trainer":               (403, 404, 404, 404, 403, 403, 302),
    "inspector":             (403, 404, 404, 404, 403, 403, 302),
    "inspection_supervisor": (403, 404, 404, 404, 403, 403, 302),
    "citizen":               (403, 404, 404, 404, 403, 403, 302),
    "business_owner":        (403, 404, 404, 404, 403, 403, 302),
    "superuser":             (200, 200, 302, 200, 200, 200, 200),
    "anonymous":             (302, 302, 302, 302, 302, 302, 302),
}  # fmt: skip

# The stations each persona's back-office list shows (personas that cannot open it are absent).
LISTED = {
    "gam_admin": {"A", "B", "C"},
    "nitc_coordinator": {"A", "B", "C"},
    "station_manager": {"A"},
    "manager_b": {"B"},
    "area_manager": {"A"},
    "governorate_manager": {"A", "B"},
    "station_staff": {"A"},
    "superuser": {"A", "B", "C"},
}

CASES = [(p, a, EXPECTED[p][i]) for p in PERSONAS for i, a in enumerate(ACTIONS)]


@pytest.fixture
def station_c(db):  # type: ignore[no-untyped-def]
    irbid = Governorate.objects.get(iso_code="JO-IR")
    return StationFactory(
        code="KS-IRB-01",
        name_ar="محطة معرفة إربد",
        name_en="Irbid Knowledge Station",
        governorate=irbid,
        municipality=Municipality.objects.get(code="irbid"),
        area=None,
        latitude=32.55,
        longitude=35.85,
    )


@pytest.fixture
def governorate_manager(station_a):  # type: ignore[no-untyped-def]
    user = UserFactory(email="amman.manager@gam.example.jo")
    assign_role(user=user, role=Role.STATION_MANAGER, granted_by=None, governorate=amman())
    return user


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="root@gam.example.jo", is_staff=True, is_superuser=True)


@pytest.fixture
def world(station_a, station_b, station_c, citizen):  # type: ignore[no-untyped-def]
    return {"A": station_a, "B": station_b, "C": station_c, "citizen": citizen}


@pytest.fixture
def as_persona(request, client_as, world):  # type: ignore[no-untyped-def]
    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        return client_as(request.getfixturevalue(persona))

    return make


class FormValues(HTMLParser):
    """The values a browser would submit for the first form with method=post inside <main>: the page as served."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_main = self.in_form = self.done = False
        self.select: str | None = None
        self.select_value: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and not self.done and a.get("method", "").lower() == "post":
            self.in_form = True
        elif not self.in_form:
            return
        elif tag == "input" and "name" in a and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.data.append((a["name"], a.get("value", "")))
        elif tag == "select" and "disabled" not in a:
            self.select, self.select_value, self.first_option = a.get("name"), None, None
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.first_option = value if self.first_option is None else self.first_option
            if "selected" in a:
                self.select_value = value
        elif tag == "textarea":
            self.textarea, self.text = a.get("name"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form, self.done = False, True
        elif tag == "select" and self.select is not None:
            value = self.select_value if self.select_value is not None else self.first_option
            if value is not None:  # a browser sends the chosen option, or the first one
                self.data.append((self.select, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea, self.text.lstrip("\n")))
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data


def submitted_form(client: Client, url: str) -> dict[str, list[str]]:
    parser = FormValues()
    parser.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def edit_url(station: Station) -> str:
    return reverse("stations:edit", args=[station.code])


def perform(client: Client, action: str, world: dict, editor: Client):  # type: ignore[no-untyped-def,type-arg]
    a, b, citizen = world["A"], world["B"], world["citizen"]
    if action == "list":
        return client.get(reverse("stations:backoffice"))
    if action == "edit_a":
        return client.get(edit_url(a))
    if action == "edit_b":
        return client.get(edit_url(b))
    if action == "post_a":
        data = submitted_form(editor, edit_url(a))
        data["name_en"] = ["Marka Knowledge Station (edited)"]
        return client.post(edit_url(a), data)
    if action == "search":
        return client.post(reverse("accounts:citizen_search"), {"q": "سارة"})
    if action == "reveal":
        pk = CitizenProfile.objects.get(user=citizen).pk
        return client.post(reverse("accounts:citizen_detail", args=[pk]), {"reason": "verifying identity"})
    if action == "admin":
        return client.get(reverse("admin:index"))
    raise AssertionError(action)


@pytest.mark.parametrize(("persona", "action", "expected"), CASES, ids=[f"{p}-{a}" for p, a, _ in CASES])
def test_persona_gets_the_expected_answer_for_each_staff_action(
    as_persona, world, persona: str, action: str, expected: int
) -> None:
    client = as_persona(persona)
    # POST the edit form as a browser would: as the page serves it to someone allowed to edit the station.
    editor = client if expected == 302 and persona != "anonymous" else as_persona("gam_admin")
    name_before = Station.objects.get(pk=world["A"].pk).name_en

    response = perform(client, action, world, editor)

    assert response.status_code == expected, response.content.decode()[:1500]
    if (
        persona == "anonymous"
    ):  # sent to sign in (the admin by way of its login, which sends on to the site's)
        login = reverse("admin:login") if action == "admin" else reverse("account_login")
        assert response["Location"].startswith(login)
    name_after = Station.objects.get(pk=world["A"].pk).name_en
    if action == "post_a":
        edited = expected == 302 and persona != "anonymous"
        assert (name_after == "Marka Knowledge Station (edited)") is edited
        if edited:
            assert response["Location"] == edit_url(world["A"])
    else:
        assert name_after == name_before
    if action == "reveal":
        assert PersonalDataAccess.objects.count() == (1 if expected == 200 else 0)
        assert ("9981012345" in response.content.decode()) is (expected == 200)


@pytest.mark.parametrize("persona", sorted(LISTED))
def test_back_office_list_shows_only_the_stations_in_scope(as_persona, world, persona: str) -> None:
    response = as_persona(persona).get(reverse("stations:backoffice"))

    assert response.status_code == 200
    listed = {s.code for s in response.context["page"].object_list}
    expected = {world[key].code for key in LISTED[persona]}
    assert listed == expected
    html = response.content.decode()
    for key in {"A", "B", "C"} - LISTED[persona]:
        assert world[key].code not in html


@pytest.mark.parametrize(
    "persona", [p for p in PERSONAS if EXPECTED[p][ACTIONS.index("admin")] == 302 and p != "anonymous"]
)
def test_signed_in_people_without_admin_access_are_refused_by_the_admin(as_persona, persona: str) -> None:
    response = as_persona(persona).get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_from_the_admin_to_the_site_sign_in(as_persona) -> None:
    response = as_persona("anonymous").get(reverse("admin:index"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
