"""Password rules beyond Django's: not too close to the name of the account's holder."""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _too_long_to_compare(password: str, max_similarity: float, value: str) -> bool:
    # As Django's UserAttributeSimilarityValidator: a password ten times longer than the name
    # cannot be "close" to it, and comparing would only cost time.
    return len(password) >= 10 * len(value) and len(value) < max_similarity / 2 * len(password)


class HolderNameSimilarityValidator:
    """Refuse a password too close to the surname, name or patronymic on the subscriber's bill.

    At sign-up the user does not exist yet: the form passes the names of the proved account as
    `user.holder_names`. Later (password change, reset) they come from the linked accounts.
    """

    def __init__(self, max_similarity: float = 0.7):
        # The measure of Django's UserAttributeSimilarityValidator, applied to other strings.
        self.max_similarity = max_similarity

    def _holder_names(self, user) -> list[str]:
        names = list(getattr(user, "holder_names", None) or [])
        if user is not None and getattr(user, "pk", None):
            from kabinet.subscribers.access import accessible_accounts

            for surname, name, patronymic in accessible_accounts(user=user).values_list(
                "surname", "name", "patronymic"
            ):
                names += [surname, name, patronymic]
        return [name for name in names if name]

    def validate(self, password: str, user=None) -> None:
        password = password.lower()
        for holder_name in self._holder_names(user):
            value = holder_name.lower()
            for part in [*re.split(r"\W+", value), value]:
                if not part or _too_long_to_compare(password, self.max_similarity, part):
                    continue
                if SequenceMatcher(a=password, b=part).quick_ratio() >= self.max_similarity:
                    raise ValidationError(
                        _("The password is too close to the name on the bill."),
                        code="password_too_similar_to_holder",
                    )

    def get_help_text(self) -> str:
        return _("Your password can’t be too close to the name on your bill.")
