"""Changing the email address: confirmed from the new address, announced to the old one."""

import re

import sqlalchemy as sa

from portal.accounts.models import User
from portal.extensions import db
from tests.support.http import PASSWORD, sign_in, submit
from tests.support.i18n import translated


def change_link(outbox, email) -> str:
    mail = outbox(email)[-1]
    return re.search(r"http://localhost(/\w+/account/email/\S+)", mail.text).group(1)


def ask(client, new_email, password=PASSWORD, lang="en"):
    return submit(client, f"/{lang}/account/email", {"new_email": new_email, "password": password})


def test_the_address_changes_only_when_the_link_to_it_is_followed(client, login, create_user,
                                                                   outbox, app):
    user = create_user(locale="vi", email="old@example.org")
    login(user)
    response = ask(client, "New@Example.org")
    assert response.status_code == 302
    [mail] = outbox("new@example.org")
    assert mail.locale == "vi"
    assert mail.subject == translated(app, "vi", "Confirm your new email address")
    path = change_link(outbox, "new@example.org")
    client.get(path)
    db.session.refresh(user)
    assert user.email == "old@example.org"  # opening the link changes nothing
    assert submit(client, path).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.org"
    [notice] = outbox("old@example.org")
    assert "new@example.org" in notice.text
    assert "/vi/reset" in notice.text
    assert sign_in(app.test_client(), "new@example.org").status_code == 302


def test_a_link_works_once(client, login, resident, outbox):
    login(resident)
    ask(client, "first@example.org")
    path = change_link(outbox, "first@example.org")
    submit(client, path)
    again = submit(client, path)
    assert again.status_code == 400


def test_an_older_link_dies_when_the_address_changes(client, login, resident, outbox):
    login(resident)
    ask(client, "first@example.org")
    first = change_link(outbox, "first@example.org")
    ask(client, "second@example.org")
    submit(client, change_link(outbox, "second@example.org"))
    assert submit(client, first).status_code == 400
    db.session.refresh(resident)
    assert resident.email == "second@example.org"


def test_the_password_is_required(client, login, resident, outbox):
    login(resident)
    response = ask(client, "new@example.org", password="not-my-password")
    assert response.status_code == 200
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert 'value="new@example.org"' in response.get_data(as_text=True)
    assert outbox("new@example.org") == []


def test_the_same_address_is_refused(client, login, resident):
    login(resident)
    response = ask(client, resident.email.upper())
    assert 'id="new_email-error"' in response.get_data(as_text=True)


def test_a_taken_address_gets_the_same_answer_and_no_mail(client, login, resident, create_user,
                                                          outbox):
    other = create_user(email="taken@example.org")
    login(resident)
    response = ask(client, "taken@example.org")
    assert response.status_code == 302
    assert outbox("taken@example.org") == []
    db.session.refresh(other)
    assert other.email == "taken@example.org"


def test_an_address_taken_after_the_link_was_sent_is_refused(client, login, resident,
                                                             create_user, outbox):
    login(resident)
    ask(client, "contested@example.org")
    path = change_link(outbox, "contested@example.org")
    create_user(email="contested@example.org")
    assert submit(client, path).status_code == 400
    db.session.refresh(resident)
    assert resident.email != "contested@example.org"
    assert db.session.scalar(
        sa.select(sa.func.count()).where(User.email == "contested@example.org")
    ) == 1
