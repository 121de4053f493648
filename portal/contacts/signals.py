"""Hooks through which higher domains react to the contact directory without it importing them."""

from blinker import Namespace

_signals = Namespace()

#: sent with ``contact`` after staff changed its tier or affiliation (flushed, not committed).
contact_classified = _signals.signal("contact-classified")
#: sent with ``contacts`` (a list) after many were reclassified at once (an import): one
#: signal for all, so a follower can update them in a few statements.
contacts_classified = _signals.signal("contacts-classified")
#: sent with ``contact`` and ``sections`` (a list of ContactSection to add to) when staff open
#: a contact's page: higher domains show what they hold about the person.
contact_page = _signals.signal("contact-page")
#: sent with ``kept`` (the Contact that stays, as sender) and ``merged_id`` (the id of the one
#: merged into it) when staff merge two records of one person: after the kept one has taken
#: the other's groups, tags and account, before the other row is deleted (flushed, not
#: committed). Higher domains re-point their rows from ``merged_id`` to ``kept.id`` then, or
#: lose them: rows that refer to a contact are deleted with it.
contacts_merged = _signals.signal("contacts-merged")
