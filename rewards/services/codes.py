"""Code pools: codes imported from the shop as CSV, or generated with the pool's prefix."""

from __future__ import annotations

import csv
import io
import re
import secrets

from django.db import transaction

from community.refusals import Invalid
from moderation.models import ModerationAction
from moderation.services.audit import record_action
from rewards.models import CodePool, DiscountCode

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$")
MAX_CODES = 50_000
MAX_GENERATE = 10_000


def parse_codes_csv(data: bytes) -> list[str]:
    """The codes of a CSV file: the first column of each row (a header row "code" is
    skipped), blank rows ignored. Invalid with the line number for anything else."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text: export the codes as CSV.") from None
    codes = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        value = (row[0] if row else "").strip()
        if not value or (line == 1 and value.lower() == "code"):
            continue
        if not CODE_PATTERN.match(value):
            raise Invalid(f"Line {line}: “{value[:40]}” is not a code (3 to 64 letters, digits, "
                          "- or _). Nothing was imported.")
        codes.append(value)
        if len(codes) > MAX_CODES:
            raise Invalid(f"At most {MAX_CODES:,} codes at a time. Nothing was imported.")
    if not codes:
        raise Invalid("The file holds no codes.")
    return codes


def add_codes(*, actor, pool: CodePool, codes: list[str], how: str) -> tuple[int, int]:
    """Add ``codes`` to ``pool`` (a code already in it is skipped) and write the audit log in
    the same transaction. Returns (added, skipped)."""
    unique = list(dict.fromkeys(codes))
    with transaction.atomic():
        existing = set(DiscountCode.objects.filter(pool=pool, code__in=unique)
                       .values_list("code", flat=True))
        fresh = [DiscountCode(pool=pool, code=code) for code in unique if code not in existing]
        DiscountCode.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
        record_action(actor=actor, action=ModerationAction.Kind.EXTRA, obj=pool,
                      snapshot=pool.name, reason=f"{how}: {len(fresh)} codes",
                      extra={"label": "Added discount codes", "added": len(fresh)})
    return len(fresh), len(codes) - len(fresh)


def generate_codes(*, actor, pool: CodePool, count: int) -> int:
    """Generate ``count`` new codes with the pool's prefix. Returns how many were added."""
    if not pool.prefix:
        raise Invalid("Give the pool a prefix before generating codes.")
    if not 1 <= count <= MAX_GENERATE:
        raise Invalid(f"Generate between 1 and {MAX_GENERATE:,} codes at a time.")
    codes = [f"{pool.prefix}-{secrets.token_hex(5).upper()}" for _ in range(count)]
    added, _ = add_codes(actor=actor, pool=pool, codes=codes, how="Generated")
    return added
