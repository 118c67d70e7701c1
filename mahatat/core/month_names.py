"""Month names as Jordan writes them.

Django's Arabic catalogue names the Gregorian months the Egyptian way (يناير، فبراير ...). Jordanian government
sites use the Levantine names (كانون الثاني، شباط ...). Listing Django's own message ids here puts them in the
project catalogue, which takes precedence over Django's, so every `date:"F"` on the site reads the Jordanian way.
Nothing imports this module: makemessages reads it.
"""

from django.utils.translation import gettext_noop

JORDANIAN_MONTHS = [
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]
