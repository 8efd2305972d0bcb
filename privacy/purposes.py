"""What members can consent to, and the exact wording each version of the question showed.

A consent row stores the version of the wording the member saw; a changed wording is a new
version (never an edit of an old one), so every recorded answer can be read with the words it
answered.
"""

from dataclasses import dataclass

MARKETING_EMAIL = "marketing_email"


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    wordings: dict[str, str]
    current_version: str

    @property
    def wording(self) -> str:
        return self.wordings[self.current_version]


PURPOSES: dict[str, Purpose] = {
    MARKETING_EMAIL: Purpose(
        key=MARKETING_EMAIL,
        label="Marketing email",
        wordings={
            # No "email" in the words: the sign-up form's "Email" field keeps a label of its own.
            "2026-12-a": (
                "Send me news, offers, activity digests and requests to review what I bought, "
                "to my inbox. I can withdraw at any time in my privacy settings or from any "
                "such message."
            ),
        },
        current_version="2026-12-a",
    ),
}


def get_purpose(key: str) -> Purpose:
    return PURPOSES[key]


def wording_for(key: str, version: str) -> str:
    purpose = PURPOSES.get(key)
    return purpose.wordings.get(version, "") if purpose else ""
