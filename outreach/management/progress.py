"""The progress bar of outreach's commands: ``[#####.....] 120/400 members``."""

import sys


def progress_bar(stdout, unit: str = "members"):
    """A ``progress(done, total)`` callback that redraws one line of ``stdout``."""

    def progress(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        stdout.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {unit}", ending="")
        if done == total:
            stdout.write("")
        sys.stdout.flush()

    return progress
