"""The portal's message storage (`MESSAGE_STORAGE`): every message is shown in the active script.

A message is translated already; only what it names (offices, people, cohorts, programmes, areas) is
stored in Latin. On a Cyrillic page the whole message is put in Cyrillic when it is added, so Django's
own admin messages ("The office “…” was changed successfully."), ours in the admin and on /me/, and a
service's refusal shown as a message need no call of their own. `to_cyrillic` leaves e-mail and web
addresses, markup and codes with a digit or a dash alone: a safe message (its link) stays safe. (A code
of Serbian capital letters only, such as a rare certificate code, cannot be told from a word in capitals.)
"""

from django.contrib.messages.storage.fallback import FallbackStorage
from django.utils.safestring import SafeData, mark_safe

from portal.text import cyrillic_active, to_cyrillic


class ActiveScriptStorage(FallbackStorage):
    def add(self, level, message, extra_tags=""):
        if message and cyrillic_active():
            text = to_cyrillic(str(message))
            message = mark_safe(text) if isinstance(message, SafeData) else text
        super().add(level, message, extra_tags)
