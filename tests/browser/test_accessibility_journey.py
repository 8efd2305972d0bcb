"""Every page kind passes axe-core's WCAG 2.1 A and AA checks and its landmark and heading best
practices with no moderate, serious or critical violation, read as a member and as a
community manager.

axe-core is test tooling: `make browser-deps` (bin/fetch-axe) puts a pinned, checksummed
copy in the git-ignored tests/browser/vendor/; it is injected into the page by the browser
(an init script, outside the site's CSP) and never served by the site."""

from __future__ import annotations

import pathlib
import time
from collections import Counter

import pytest

from tests.browser.conftest import log_in
from tests.factories import PASSWORD

AXE = pathlib.Path(__file__).parent / "vendor" / "axe.min.js"
NOT_PAGES = ("/media/", "/static/", "/documents/", "/healthz")
FAILING = ("moderate", "serious", "critical")
# WCAG 2.0 and 2.1, levels A and AA (contrast, names and labels, landmarks' structure...),
# and the best practices about landmarks and headings.
RULES = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}

# Started without waiting; the result is read later from window.hearthAxe (a promise).
START_AXE = """(rules) => {
  window.hearthAxe = axe.run(document, {runOnly: rules, resultTypes: ["violations"]}).then(result =>
    result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: "
                                     + n.failureSummary.split("\\n").slice(1, 2).join(""))})));
}"""


def test_every_page_kind_has_no_accessibility_violation_above_minor(new_page, live):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make browser-deps`")
    from tests.security.urlwalk import walk_urls
    from tests.security.world import make_roles, make_world

    roles = make_roles()
    world = make_world()
    paths = sorted({url.path for url in walk_urls(world) if url.group is None
                    and not url.path.startswith(NOT_PAGES)})
    paths += ["/", "/products/", world["review"].product.url, "/guidelines/"]
    failures, lines = [], []
    started = time.monotonic()
    pages = {}
    for role in ("customer", "manager"):
        pages[role] = new_page()
        pages[role].add_init_script(path=str(AXE))
        log_in(pages[role], roles[role].username, PASSWORD)
    # An error answer is one page kind whatever the URL: each role's first 403 and 404 are
    # checked, not the same error page again for every URL it refuses.
    errors_seen = set()
    for path in paths:
        # The member's page and the manager's page take turns: one runs axe while the other
        # loads (their renderers are separate processes).
        running = []
        for role, page in pages.items():
            # Only what answers a GET with an HTML document is a page to open: htmx fragments
            # (a post, a card, a queue row) are checked inside the pages that show them.
            answer = page.request.get(path, max_redirects=0)
            if (answer.status == 405 or "text/html" not in answer.headers.get("content-type", "")
                    or not answer.text().lstrip()[:15].lower().startswith("<!doctype html")
                    or (role, answer.status) in errors_seen):
                continue
            if answer.status >= 400:
                errors_seen.add((role, answer.status))
            response = page.goto(path)
            page.evaluate(START_AXE, RULES)
            running.append((role, page, response.status))
        for role, page, status in running:
            violations = page.evaluate("() => window.hearthAxe")
            impacts = Counter(v["impact"] for v in violations)
            lines.append(f"{role:8} {status} {path}: " + (", ".join(
                f"{n} {impact}" for impact, n in sorted(impacts.items())) or "no violations")
                + "".join(f"\n    {v['impact']} {v['id']}: {v['help']} {v['targets']}" for v in violations))
            failures += [(role, path, v["id"], v["impact"], v["help"], v["targets"])
                         for v in violations if v["impact"] in FAILING]
    print("\n".join(lines))
    print(f"{len(lines)} page kinds checked ({len(paths)} URLs, as a member and as a manager) "
          f"in {time.monotonic() - started:.1f} s")
    assert len(lines) > 100, len(lines)
    assert not failures, "\n".join(map(str, failures))
