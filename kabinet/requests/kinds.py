"""The kinds of request every provider offers unless it says otherwise, with their due times."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NO_WATER = "no_water"


@dataclass(frozen=True)
class KindDefault:
    code: str
    name: Promise
    due_hours: int


DEFAULT_KINDS = (
    KindDefault(NO_WATER, _("No water or low pressure"), 8),
    KindDefault("leak", _("Leak or accident"), 4),
    KindDefault("meter", _("Meter verification or sealing"), 5 * 24),
    KindDefault("dispute", _("Dispute a charge"), 10 * 24),
    KindDefault("account_data", _("Change of account data (residents, name)"), 10 * 24),
    KindDefault("other", _("Other"), 10 * 24),
)


@dataclass(frozen=True)
class Kind:
    """A kind of request as a provider offers it."""

    code: str
    name: str
    due_hours: int
    # The provider named it itself (kept with each request as typed); otherwise the default's
    # name is shown, in the reader's language.
    own_name: bool = False


def default_label(code: str) -> str:
    """The default kind's name in the active language, or the code for a kind of one's own."""
    for default in DEFAULT_KINDS:
        if default.code == code:
            return str(default.name)
    return code
