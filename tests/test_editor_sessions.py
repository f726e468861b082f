"""Editors signed in from the browser, over HTTP: the cookie's flags, a digest-only session
store, form tokens (CSRF) on every change, sign-out, expiry, idling out and rate-limited
sign-ins; the editor pages call the same correction services as the API.

Every name and sentence here is made up for the tests.
"""

from __future__ import annotations

import hashlib
import html
import re

import httpx
import pytest
from sqlalchemy import select, text

from db.api_keys.service import Scope
from db.models import Correction, EditorSession
from db.settings import ResolvedSettings
from db.speakers import repository as speaker_repo
from tests.conftest import run_cli, serve_app
from tests.test_corrections import quote_with, store
from tests.test_security import make_key

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sign_in(api: httpx.Client, key: str, **headers: str) -> httpx.Response:
    response = api.post(
        "/editor/sign-in", data={"key": key, "next": "/editor/flags"}, headers=headers
    )
    api.cookies.clear()  # each test presents its cookie itself
    return response


def cookie_of(response: httpx.Response, name: str = "onrecord_editor") -> str:
    match = re.search(rf"{re.escape(name)}=([^;]+)", response.headers.get("set-cookie", ""))
    assert match, response.headers.get("set-cookie")
    return match.group(1)


def as_editor(token: str) -> dict[str, str]:
    return {"Cookie": f"onrecord_editor={token}"}


def form_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "no form token on the page"
    return match.group(1)


def signed_in(api: httpx.Client, settings) -> tuple[str, str]:
    """A new editor session: (cookie token, form token)."""
    response = sign_in(api, make_key(settings, Scope.edit))
    assert response.status_code == 303, response.text
    token = cookie_of(response)
    return token, form_token(api.get("/editor/flags", headers=as_editor(token)))


@pytest.fixture
def editor(api: httpx.Client, settings) -> tuple[str, str]:
    return signed_in(api, settings)


def test_error_pages_show_the_site_as_the_editor_sees_it(api, editor) -> None:
    """A signed-in editor who hits a missing quote (looked up by the page) or an unknown
    path (no page ran) keeps the editor bar and is not offered a sign-in; the page is never
    cached. A reader's error page offers the sign-in."""
    token, _ = editor
    page = {"Accept": "text/html"}
    for path in ("/quotes/987654321", "/no/such/page"):
        signed = api.get(path, headers={**page, **as_editor(token)})
        assert signed.status_code == 404, path
        assert "Signed in as" in signed.text and "Editor sign-in" not in signed.text, path
        assert 'action="/editor/sign-out"' in signed.text and 'name="csrf_token"' in signed.text
        assert signed.headers["cache-control"] == "no-store", path
        reader = api.get(path, headers=page)
        assert reader.status_code == 404
        assert "Editor sign-in" in reader.text and "Signed in as" not in reader.text, path
    ended = api.get("/no/such/page", headers={**page, **as_editor("not-a-session")})
    assert "Editor sign-in" in ended.text and "Signed in as" not in ended.text


def test_sign_in_sets_a_safe_cookie_and_stores_only_its_digest(api, settings, stores) -> None:
    key = make_key(settings, Scope.edit)
    assert api.get("/editor/sign-in").headers["cache-control"] == "no-store"
    response = sign_in(api, key)
    assert response.status_code == 303 and response.headers["location"] == "/editor/flags"
    header = response.headers["set-cookie"]
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "path=/", "samesite=strict", "max-age=43200"} <= flags
    assert "secure" not in flags  # served over http here: see the https test below
    assert key not in header and key not in response.headers["location"]
    token = cookie_of(response)
    factory, _ = stores
    with factory() as session:
        [row] = session.scalars(select(EditorSession))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.token_hash, row.csrf_token)
    page = api.get("/editor/flags", headers=as_editor(token))
    assert page.status_code == 200 and "Readers’ flags" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "Signed in as test" in page.text
    assert api.get("/editor/flags").headers["location"] == "/editor/sign-in?next=%2Feditor%2Fflags"
    again = api.post(
        "/editor/sign-in", data={"key": key}, headers=as_editor(token)
    )  # signing in again in the same browser ends the session it had
    api.cookies.clear()
    assert again.status_code == 303 and cookie_of(again) != token
    assert api.get("/editor/flags", headers=as_editor(token)).status_code == 303
    assert api.get("/editor/flags", headers=as_editor(cookie_of(again))).status_code == 200


def test_keys_without_the_edit_scope_and_wrong_keys_sign_nobody_in(settings) -> None:
    limited = ResolvedSettings.of(settings, rate_limit_auth_failure="3/minute")
    writer = make_key(settings, Scope.write)
    with serve_app(limited) as api:
        refused = sign_in(api, writer)
        assert refused.status_code == 403 and "lacks the edit scope" in refused.text
        assert "set-cookie" not in refused.headers and writer not in refused.text
        for _ in range(3):
            wrong = sign_in(api, "onr_00000000_not-a-key")
            assert wrong.status_code == 401 and "not-a-key" not in wrong.text
        # past the limit even a good key waits: keys cannot be guessed at the database's pace
        blocked = sign_in(api, make_key(settings, Scope.edit))
        assert blocked.status_code == 429 and "retry-after" in blocked.headers
        assert sign_in(api, "").status_code == 429


def test_every_form_needs_this_sessions_form_token(api, settings, stores, editor) -> None:
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    token, csrf = editor
    other = sign_in(api, make_key(settings, Scope.edit))
    other_csrf = form_token(api.get("/editor/flags", headers=as_editor(cookie_of(other))))
    path = f"/editor/quotes/{ferries.id}"
    body = {"action": "reassign", "new_speaker": "Ines Vall", "reason": "the tape"}
    cookie = as_editor(token)
    assert api.post(path, data=body, headers=cookie).status_code == 403  # no token
    assert api.post(path, data={**body, "csrf_token": "x" * 43}, headers=cookie).status_code == 403
    assert (
        api.post(path, data={**body, "csrf_token": other_csrf}, headers=cookie).status_code == 403
    )
    good = {**body, "csrf_token": csrf}
    assert api.post(path, data=good).status_code == 401  # no session at all
    cross = {**cookie, "Origin": "https://elsewhere.example"}
    assert api.post(path, data=good, headers=cross).status_code == 403
    cross = {**cookie, "Sec-Fetch-Site": "cross-site"}
    assert api.post(path, data=good, headers=cross).status_code == 403
    with factory() as session:
        assert session.scalars(select(Correction)).first() is None  # nothing got through
    done = api.post(path, data=good, headers={**cookie, "Sec-Fetch-Site": "same-origin"})
    assert (
        done.status_code == 303
        and done.headers["location"] == f"{path.replace('/editor', '')}#corrections"
    )
    with factory() as session:
        [correction] = session.scalars(select(Correction))
        assert correction.editor.startswith("test (onr_") and correction.reason == "the tape"
    page = api.get(f"/quotes/{ferries.id}", headers=cookie)
    assert "attributed to Ines Vall (was Mara Lind)" in page.text
    assert page.headers["cache-control"] == "no-store" and "etag" not in page.headers
    public = api.get(f"/quotes/{ferries.id}")
    assert "Correct this quote" not in public.text and "csrf_token" not in public.text
    assert "Cookie" in public.headers["vary"] and "public" in public.headers["cache-control"]


def test_form_tokens_are_masked_afresh_in_every_response(api, settings, stores, editor) -> None:
    """BREACH: no page repeats the form token byte for byte; every masked copy is accepted, the
    bare token, a tampered copy and another session's are refused."""
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    token, first = editor
    cookie = as_editor(token)
    page = api.get(f"/quotes/{ferries.id}", headers=cookie)
    second = form_token(page)
    on_page = set(re.findall(r'name="csrf_token" value="([^"]+)"', page.text))
    with factory() as session:
        [row] = session.scalars(select(EditorSession))
        bare = row.csrf_token
    assert first != second and bare not in page.text and bare not in (first, second)
    assert len(on_page) >= 1 and bare not in on_page
    path = f"/editor/quotes/{ferries.id}"
    body = {"action": "redate", "reason": "the tape"}

    def status(sent: str, said_on: str = "2024-05-01") -> int:
        form = {**body, "said_on": said_on, "csrf_token": sent}
        return api.post(path, data=form, headers=cookie).status_code

    flipped = second[:10] + ("A" if second[10] != "A" else "B") + second[11:]
    assert status(bare) == 403  # the unmasked token of the old pages
    assert status(flipped) == 403 and status(second[:-4]) == 403 and status("%%%") == 403
    other = cookie_of(sign_in(api, make_key(settings, Scope.edit)))
    assert status(form_token(api.get("/editor/flags", headers=as_editor(other)))) == 403
    assert status(first) == 303 and status(second, "2024-05-02") == 303  # both masks


def test_every_public_page_carries_the_editor_links_and_is_never_cached_for_an_editor(
    api, stores, editor
) -> None:
    """Signed in: the header links to the flags and the audit and signs out, and no cache keeps
    the page. Readers get none of it (a quiet sign-in link instead) and pages cacheable as
    before, varying on the cookie."""
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    with factory() as session:
        slug = speaker_repo.get_speaker(session, ferries.speaker_id).slug
    token, _ = editor
    pages = [
        "/?q=ferries",
        "/?q=ferries&partial=true",
        f"/quotes/{ferries.id}",
        f"/speakers/{slug}",
        f"/articles/{ferries.article_id}",
        "/verify?quote=ferries",
    ]
    header = re.compile(r'<header class="site">.*?</header>', re.S)
    for path in pages:
        signed = api.get(path, headers=as_editor(token))
        assert signed.status_code == 200, path
        assert signed.headers["cache-control"] == "no-store" and "etag" not in signed.headers
        reader = api.get(path)
        assert "csrf_token" not in reader.text and "Signed in as" not in reader.text, path
        assert "Cookie" in reader.headers["vary"], path
        assert "no-store" not in reader.headers.get("cache-control", ""), path
        if "partial" in path:  # the live-search fragment has no header
            continue
        [top] = header.findall(signed.text)
        assert 'href="/editor/flags"' in top and 'href="/editor/corrections"' in top, path
        assert 'action="/editor/sign-out"' in top and 'name="csrf_token"' in top, path
        assert "Editor sign-in" not in signed.text
        assert f'href="/editor/sign-in?next={path.split("?")[0]}"' in reader.text
    quote = api.get(f"/quotes/{ferries.id}")
    assert "public" in quote.headers["cache-control"] and "etag" in quote.headers
    again = api.get(f"/quotes/{ferries.id}", headers={"If-None-Match": quote.headers["etag"]})
    assert again.status_code == 304 and "Cookie" in again.headers["vary"]
    out = api.post(
        "/editor/sign-out",
        data={"csrf_token": form_token(api.get(f"/speakers/{slug}", headers=as_editor(token)))},
        headers=as_editor(token),
    )
    assert out.status_code == 303  # the header's sign-out form works from a public page
    assert "Signed in as" not in api.get("/", headers=as_editor(token)).text


def test_a_refused_correction_shows_the_form_again_with_what_was_typed(api, stores, editor) -> None:
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    token, csrf = editor
    sent = {
        "action": "reassign",
        "speaker": "Nobody Known",
        "reason": "the tape",
        "csrf_token": csrf,
    }
    page = api.post(f"/editor/quotes/{ferries.id}", data=sent, headers=as_editor(token))
    assert page.status_code == 400 and "no speaker 'Nobody Known'" in html.unescape(page.text)
    assert 'value="Nobody Known"' in page.text and 'value="the tape"' in page.text
    no_reason = {**sent, "reason": "", "speaker": "Tomas Brek"}
    page = api.post(f"/editor/quotes/{ferries.id}", data=no_reason, headers=as_editor(token))
    assert page.status_code == 400 and "Give a reason" in page.text
    bad_date = {"action": "redate", "said_on": "2024-13-40", "reason": "x", "csrf_token": csrf}
    page = api.post(f"/editor/quotes/{ferries.id}", data=bad_date, headers=as_editor(token))
    assert page.status_code == 400 and "said_on" in page.text


def test_sign_out_ends_the_session_for_good(api, editor) -> None:
    token, csrf = editor
    assert api.post("/editor/sign-out", headers=as_editor(token), data={}).status_code == 403
    out = api.post("/editor/sign-out", headers=as_editor(token), data={"csrf_token": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert re.search(r"onrecord_editor=\"?\"?;.*max-age=0", out.headers["set-cookie"], re.I)
    again = api.get("/editor/flags", headers=as_editor(token))  # the old cookie, replayed
    assert again.status_code == 303 and again.headers["location"].startswith("/editor/sign-in")


@pytest.mark.parametrize(
    "ending",
    [
        "UPDATE editor_session SET expires_at = now() - interval '1 second'",
        "UPDATE editor_session SET last_seen_at = now() - interval '2 hours'",  # idled out
        "UPDATE api_key SET revoked_at = now()",
        "UPDATE api_key SET scopes = ARRAY['read']",
    ],
)
def test_expired_idle_and_unkeyed_sessions_end(api, stores, editor, ending: str) -> None:
    token, csrf = editor
    assert api.get("/editor/flags", headers=as_editor(token)).status_code == 200
    factory, _ = stores
    with factory() as session:
        session.execute(text(ending))
        session.commit()
    assert api.get("/editor/flags", headers=as_editor(token)).status_code == 303
    refused = api.post(
        "/editor/corrections/1/revert", headers=as_editor(token), data={"csrf_token": csrf}
    )
    assert refused.status_code == 401


def test_https_cookie_is_secure_and_host_prefixed(settings) -> None:
    public = ResolvedSettings.of(settings, public_url="https://quotes.example")
    with serve_app(public) as api:
        response = sign_in(api, make_key(settings, Scope.edit))
        assert response.status_code == 303
        header = response.headers["set-cookie"]
        assert header.startswith("__Host-onrecord_editor=")
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        assert {"secure", "httponly", "path=/", "samesite=strict"} <= flags
        assert not any(flag.startswith("domain") for flag in flags)
        token = cookie_of(response, "__Host-onrecord_editor")
        page = api.get("/editor/flags", headers={"Cookie": f"__Host-onrecord_editor={token}"})
        assert page.status_code == 200
        # the plain name is not read on https (a plain-http page could have set it)
        assert api.get("/editor/flags", headers=as_editor(token)).status_code == 303


def test_speaker_forms_edit_split_merge_and_the_audit_reverts_them(api, stores, editor) -> None:
    factory, index = stores
    store(factory, index)
    berths = quote_with(factory, "berths")
    token, csrf = editor
    cookie = as_editor(token)
    with factory() as session:
        brek = speaker_repo.find_speaker(session, "Tomas Brek")
        lind = speaker_repo.find_speaker(session, "Mara Lind")
        assert brek is not None and lind is not None
        brek_id, lind_id = brek.id, lind.id
    page = api.get("/speakers/tomas-brek", headers=cookie)
    assert "Correct this record" in page.text and page.headers["cache-control"] == "no-store"
    edit = {"form": "edit", "name": "Tomas Brek", "aliases": "Brek\nT. Brek", "csrf_token": csrf}
    done = api.post(
        f"/editor/speakers/{brek_id}/edit",
        data={**edit, "description": "the mayor", "reason": "bio"},
        headers=cookie,
    )
    assert (
        done.status_code == 303 and done.headers["location"] == "/speakers/tomas-brek#corrections"
    )
    split = {"form": "split", "quote_id": [str(berths.id)], "new_speaker": "Oda Brek"}
    done = api.post(
        f"/editor/speakers/{brek_id}/split",
        data={**split, "reason": "two people", "csrf_token": csrf},
        headers=cookie,
    )
    assert done.status_code == 303, done.text
    assert api.get("/v1/search", params={"speaker": "Oda Brek"}).json()["total"] == 1
    merge = {"form": "merge", "other": str(lind_id), "reason": "one person", "csrf_token": csrf}
    done = api.post(f"/editor/speakers/{brek_id}/merge", data=merge, headers=cookie)
    assert done.status_code == 303
    audit = api.get("/editor/corrections", headers=cookie)
    assert "Mara Lind merged into Tomas Brek" in audit.text and "one person" in audit.text
    assert "1 quote(s) moved from Tomas Brek to Oda Brek" in audit.text
    assert "speaker description, aliases edited" in audit.text or "edited" in audit.text
    [merge_id] = [
        int(i)
        for i, what in re.findall(
            r'id="correction-(\d+)".*?<strong>(.*?)</strong>', audit.text, re.S
        )
        if "merged" in what
    ]
    undone = api.post(
        f"/editor/corrections/{merge_id}/revert", data={"csrf_token": csrf}, headers=cookie
    )
    assert undone.status_code == 303
    assert api.get("/speakers/mara-lind").status_code == 200  # back with its slug
    again = api.post(
        f"/editor/corrections/{merge_id}/revert", data={"csrf_token": csrf}, headers=cookie
    )
    assert again.status_code == 400 and "already reverted" in again.text


def test_api_merge_is_audited_and_its_revert_unmerges(api, settings, stores) -> None:
    factory, index = stores
    store(factory, index)
    headers = {"X-API-Key": make_key(settings, Scope.edit)}
    with factory() as session:
        brek = speaker_repo.find_speaker(session, "Tomas Brek")
        assert brek is not None
        brek_id = brek.id
    path = f"/v1/speakers/{brek_id}/merge"
    assert api.post(path, json={"other": "Mara Lind", "reason": "x"}).status_code == 401
    assert (
        api.post(path, json={"other": "nobody", "reason": "x"}, headers=headers).status_code == 404
    )
    assert (
        api.post(path, json={"other": "tomas-brek", "reason": "x"}, headers=headers).status_code
        == 400
    )
    made = api.post(path, json={"other": "mara-lind", "reason": "one person"}, headers=headers)
    assert made.status_code == 201, made.text
    assert made.json()["action"] == "merge"
    assert made.json()["summary"] == "Mara Lind merged into Tomas Brek"
    assert api.get("/v1/search", params={"speaker": "mara-lind"}).json()["total"] == 2
    audit = api.get("/v1/corrections", params={"speaker": str(brek_id)}, headers=headers).json()
    assert [c["action"] for c in audit] == ["merge"]
    undone = api.post(f"/v1/corrections/{made.json()['id']}/revert", headers=headers)
    assert undone.status_code == 200 and undone.json()["reverted_at"]
    assert api.get("/v1/search", params={"speaker": "Mara Lind"}).json()["total"] == 1
    assert api.get("/v1/search", params={"speaker": "Tomas Brek"}).json()["total"] == 1


def test_not_a_quote_from_the_page_and_back_from_the_audit(api, stores, editor) -> None:
    factory, index = stores
    store(factory, index)
    ferries = quote_with(factory, "ferries")
    token, csrf = editor
    cookie = as_editor(token)
    sent = {"action": "reject", "reason": "a slogan on a banner", "csrf_token": csrf}
    done = api.post(f"/editor/quotes/{ferries.id}", data=sent, headers=cookie)
    assert done.status_code == 303 and done.headers["location"] == "/editor/corrections"
    assert api.get(f"/quotes/{ferries.id}").status_code == 404
    assert api.get("/v1/search", params={"q": "ferries", "in": "quote"}).json()["total"] == 0
    audit = api.get("/editor/corrections", headers=cookie)
    assert "marked as not a quote" in audit.text and "a slogan on a banner" in audit.text
    [revert] = re.findall(r'action="(/editor/corrections/\d+/revert)"', audit.text)
    assert api.post(revert, data={"csrf_token": csrf}, headers=cookie).status_code == 303
    assert api.get(f"/quotes/{ferries.id}").status_code == 200
    assert api.get("/v1/search", params={"q": "ferries", "in": "quote"}).json()["total"] == 1
    assert "Reverted by test" in api.get("/editor/corrections", headers=cookie).text
    mine = api.get("/editor/corrections", params={"quote": ferries.id}, headers=cookie).text
    assert f"Corrections of quote {ferries.id}" in mine and "a slogan on a banner" in mine
    others = api.get("/editor/corrections", params={"quote": ferries.id + 1}, headers=cookie).text
    assert "No corrections yet" in others


def test_sign_in_goes_only_to_pages_of_this_site(api, settings) -> None:
    key = make_key(settings, Scope.edit)
    for target, lands in [
        ("/speakers/x?q=1", "/speakers/x?q=1"),
        ("https://elsewhere.example/", "/editor/flags"),
        ("//elsewhere.example/", "/editor/flags"),
        ("/\\elsewhere.example", "/editor/flags"),
    ]:
        response = api.post("/editor/sign-in", data={"key": key, "next": target})
        api.cookies.clear()
        assert response.status_code == 303 and response.headers["location"] == lands
    cross = api.post(
        "/editor/sign-in", data={"key": key}, headers={"Origin": "https://elsewhere.example"}
    )
    assert cross.status_code == 403 and "set-cookie" not in cross.headers
    assert api.post("/editor/sign-in", json={"key": key}).status_code == 415


def test_an_admin_ends_a_keys_browser_sessions_from_the_command_line(api, settings, editor):
    token, _ = editor
    [prefix] = re.findall(
        r"\(onr_[0-9a-f]{8}\)", api.get("/editor/flags", headers=as_editor(token)).text
    )
    done = run_cli(settings, "keys", "sign-out", prefix.strip("()"))
    assert done.returncode == 0, done.stderr
    assert "ended 1 editor session(s)" in done.stdout
    assert api.get("/editor/flags", headers=as_editor(token)).status_code == 303
    assert run_cli(settings, "keys", "sign-out", "onr_nothere").returncode == 1
