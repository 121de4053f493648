"""Signed values: what is signed comes back; altered text or another purpose's value does not."""

from portal.signing import sign, unsign


def test_a_signed_value_comes_back_only_unaltered_and_for_its_own_purpose(app):
    with app.app_context():
        token = sign([12, 34, 56], salt="events-rsvp")
        assert unsign(token, salt="events-rsvp") == [12, 34, 56]
        assert unsign(token, salt="events-calendar") is None
        payload, _, signature = token.rpartition(".")
        altered = sign([12, 34, 57], salt="events-rsvp").rpartition(".")[0]
        assert unsign(f"{altered}.{signature}", salt="events-rsvp") is None
        assert unsign(payload, salt="events-rsvp") is None
        assert unsign("", salt="events-rsvp") is None
        assert unsign("not a token at all", salt="events-rsvp") is None


def test_the_secret_key_makes_the_signature(app, monkeypatch):
    with app.app_context():
        token = sign(7, salt="mentoring-calendar")
        assert unsign(token, salt="mentoring-calendar") == 7
        monkeypatch.setitem(app.config, "SECRET_KEY", "another key")
        assert unsign(token, salt="mentoring-calendar") is None
