""" "Also see" on speaker pages: the matcher's near misses (pure), the records the repository
offers it, and the one-click merge editors get there.

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from api.services.speakers import also_see
from db.speakers import repository as speaker_repo
from db.speakers.matching import keeps_first, might_be_same
from tests.test_editor_sessions import as_editor, signed_in
from tests.test_storage import _article, store


@dataclass
class Record:
    id: int
    name: str
    gender: str | None = None


def names(found: list[Record]) -> list[str]:
    return [r.name for r in found]


def test_a_bare_surname_sees_everyone_it_could_be() -> None:
    people = [Record(1, "Joe Vanterpool"), Record(2, "Hunter Vanterpool")]
    assert names(might_be_same("Vanterpool", None, people)) == [
        "Joe Vanterpool",
        "Hunter Vanterpool",
    ]


def test_full_names_see_initials_and_surnames_but_not_other_people() -> None:
    others = [
        Record(1, "Hunter Vanterpool"),  # another given name: another person
        Record(2, "Vanterpool"),
        Record(3, "Jill Vanterpool", "f"),  # another gender
        Record(4, "J. Vanterpool"),
        Record(5, "Joe Vanterpool Jr."),  # another generation
        Record(6, "Joe Vantrpool"),  # the surname spelt otherwise, the same given name
        Record(7, "Ada Quill"),
    ]
    found = names(might_be_same("Joe Vanterpool", "m", others))
    assert set(found) == {"Vanterpool", "J. Vanterpool", "Joe Vantrpool"}


def test_honorifics_and_gender_keep_spouses_apart() -> None:
    both = [Record(1, "Marisol Okafor", "f"), Record(2, "Bertrand Okafor", "m")]
    assert names(might_be_same("Mr. Okafor", None, both)) == ["Bertrand Okafor"]
    assert names(might_be_same("Okafor", "f", both)) == ["Marisol Okafor"]
    assert might_be_same("the Harbour Board", None, both) == []


def test_a_merge_keeps_the_full_name_then_the_more_quoted() -> None:
    assert not keeps_first("Vanterpool", 10, "Joe Vanterpool", 2)
    assert keeps_first("Joe Vanterpool", 1, "Vanterpool", 9)
    assert not keeps_first("Joe Vanterpool", 1, "Joseph Vanterpool", 3)
    assert keeps_first("Joe Vanterpool", 3, "Joseph Vanterpool", 3)


def test_speaker_page_offers_the_near_misses_and_editors_merge_them(
    api: httpx.Client, settings, stores
) -> None:
    factory, index = stores
    store(factory, index, _article("A", '"The quay is ready," Joe Vanterpool said.'))
    store(factory, index, _article("B", '"The nets are full," Hunter Vanterpool said.'))
    store(factory, index, _article("C", '"We will see," Vanterpool said.'))
    store(factory, index, _article("D", '"The tide is late," Ada Quill said.'))
    with factory() as session:
        bare = speaker_repo.find_speaker(session, "Vanterpool")
        assert bare is not None  # two people have the surname: the matcher kept it apart
        offered = [a.speaker.name for a in also_see(session, bare, 1)]
        assert sorted(offered) == ["Hunter Vanterpool", "Joe Vanterpool"]
    public = api.get(f"/speakers/{bare.slug}")
    assert "Also see" in public.text and "/speakers/joe-vanterpool" in public.text
    assert "Merge" not in public.text  # readers see the links only
    token, csrf = signed_in(api, settings)
    page = api.get(f"/speakers/{bare.slug}", headers=as_editor(token))
    assert "Merge Vanterpool into Joe Vanterpool" in page.text
    action = re.search(
        r'action="(/editor/speakers/\d+/merge)" class="inline">\s*'
        r'<input type="hidden" name="csrf_token" value="[^"]+">\s*'
        r'<input type="hidden" name="other" value="(\d+)">',
        page.text,
    )
    assert action is not None
    done = api.post(
        action.group(1),
        data={"other": action.group(2), "reason": "the same person", "csrf_token": csrf},
        headers=as_editor(token),
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/speakers/")
    kept = done.headers["location"].split("#")[0]
    assert api.get(kept).status_code == 200
    assert api.get(f"/speakers/{bare.slug}", follow_redirects=False).status_code == 308
    audit = api.get("/editor/corrections", headers=as_editor(token)).text
    assert "Vanterpool merged into" in audit and "the same person" in audit
