"""The Markdown summary of a benchmark run (bench/results/<date>.md and the README)."""


def _queries(row: dict) -> str:
    cached = row.get("queries_from_page_cache")
    return str(row["queries"]) if cached is None else f"{row['queries']} / {cached}"


def _constant_queries(rows: list[dict]) -> list[str]:
    """The 1,000-post topic's last page must cost what its first page costs."""
    counts = {(row["page"], row["logged_in"]): row["queries"] for row in rows}
    lines = []
    for logged_in in (False, True):
        first, last = counts.get(("topic first", logged_in)), counts.get(("topic last", logged_in))
        if first is not None and last is not None:
            verdict = "the same" if first == last else "NOT the same"
            lines.append(f"Topic page queries, {'member' if logged_in else 'anonymous'}: first page {first}, "
                         f"last page {last}: {verdict}.")
    return lines


def _signed_in_as(report: dict) -> list[str]:
    who = report.get("signed_in_as")
    if not who:
        return []
    participant = (f"; \"a liker\" is {who['liker']}, who liked a post on its first page, \"a "
                   f"replier\" {who['replier']}, who wrote a reply there" if who.get("liker") else "")
    return ["", f"Members: signed in as {who['reader']}, who reads these pages without having "
                f"taken part in them; \"its author\" is {who['author']}, who started the topic"
                f"{participant}"
                + (f"; \"a supporter\" is {who['supporter']}, among the idea's recent supporters; "
                   f"\"a reviewer\" is {who['reviewer']}, whose review is the product page's first"
                   if "supporter" in who else "") + "."]


def _server(settings: dict) -> str:
    # Runs before 2026-12-07 served pages from uvicorn workers, with no proxy in front.
    if settings.get("server") == "nginx+sync":
        return f"nginx before {settings['workers']} gunicorn sync workers"
    return f"{settings['workers']} uvicorn workers under gunicorn"


def _pages(report: dict) -> list[str]:
    baseline = report["baseline"]
    settings = report["settings"]
    lines = [f"Baseline (bare view, same server and middleware): {baseline['rps']:.0f} req/s, "
             f"p99 {baseline['p99_ms']:.1f} ms. {_server(settings)}, "
             f"{settings['connections']} connections, {settings['seconds']} s per page. Queries: what "
             "rendering the page costs / what it costs with the anonymous page cache on (members "
             "are never served from it).", *_signed_in_as(report), "",
             "| page | who | req/s | ratio | target | p50 ms | p99 ms | queries | errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in report["pages"]:
        target = ""
        if row["target_ratio"]:
            bound = row.get("target_p99_ms")
            met = row["ratio"] >= row["target_ratio"] and (bound is None or row["p99_ms"] < bound)
            target = (f">= {row['target_ratio']}" + (f", p99 < {bound}" if bound else "")
                      + f": {'met' if met else 'MISSED'}")
        lines.append(f"| {row['page']} | {'member' if row['logged_in'] else 'anonymous'} | "
                     f"{row['rps']:.0f} | {row['ratio']:.3f} | {target} | {row['p50_ms']:.1f} | "
                     f"{row['p99_ms']:.1f} | {_queries(row)} | {row['errors']} |")
    return [*lines, "", *_constant_queries(report["pages"])]


def _writes(writes: dict) -> list[str]:
    supports, replies = writes["supports"], writes["replies"]
    reads = replies["reads_during"]
    return [
        f"- 64 concurrent supports of one idea (HTTP, real sessions and CSRF): {supports['accepted']} "
        f"accepted, support_count {supports['support_count']}, {supports['support_rows']} rows: "
        f"**{'exact' if supports['exact'] else 'NOT EXACT'}** (p50 {supports['p50_ms']} ms, slowest "
        f"{supports['max_ms']} ms).",
        f"- Replies under load ({replies['clients']} posting clients for {replies['seconds']} s while wrk "
        f"reads the 1,000-post topic): {replies['accepted']} accepted ({replies['replies_per_s']}/s, "
        f"p50 {replies['p50_ms']} ms, p99 {replies['p99_ms']} ms), {replies['refused']} refused, "
        f"{replies['replies_in_topic']} in the topic: **{'exact' if replies['exact'] else 'NOT EXACT'}**; "
        f"the topic page meanwhile {reads['rps']:.0f} req/s, p99 {reads['p99_ms']:.0f} ms.",
    ]


def markdown(report: dict) -> str:
    machine = report["machine"]
    lines = [f"# Benchmark run {report['date']}", "",
             f"{machine['cores']} cores shared with other jobs; load average before "
             f"{machine['load_average_before']}, after {machine.get('load_average_after')}.", ""]
    if "seed" in report:
        lines += ["Data: " + ", ".join(f"{count:,} {name.replace('_', ' ')}"
                                       for name, count in report["seed"].items()) + ".", ""]
    if "pages" in report:
        lines += ["## Pages", "", *_pages(report), ""]
    if "writes" in report:
        lines += ["## Writes", "", *_writes(report["writes"]), ""]
    if "fanout" in report:
        fan = report["fanout"]
        lines += ["## Live fan-out", "",
                  f"A reply posted through one server process reaches {fan['listeners']} signed-in "
                  f"websockets on another through Redis: {fan['delivered']} of "
                  f"{fan['listeners'] * fan['replies']} events delivered; p50 {fan['p50_ms']} ms, "
                  f"**p95 {fan['p95_ms']} ms** from the write (target < 100 ms); from sending the POST "
                  f"p50 {fan['p50_from_post_ms']} ms, p95 {fan['p95_from_post_ms']} ms.", ""]
    reused = [name for name in ("sentiment", "badges", "rewards")
              if (report.get(name) or {}).get("reused")]
    if reused:
        lines += [f"({' and '.join(reused)}: the last saved result, not re-run in this run.)", ""]
    if report.get("sentiment"):
        s = report["sentiment"]
        lines += ["## Review sentiment", "",
                  f"{s['backend']}: cold load {s['cold_load_s']} s, single review "
                  f"{s['single_review_ms_median']} ms (median), batched scoring "
                  f"{s['scoring_texts_per_s']} texts/s against the raw forward pass "
                  f"{s['raw_forward_texts_per_s']} texts/s: **ratio {s['ratio_scoring_to_raw']}** "
                  "(target >= 0.8).", ""]
    if report.get("badges"):
        b = report["badges"]
        lines += ["## Points engine", "",
                  (f"{b['events']:,} events through the inbox (one drainer, batches of "
                   f"{b['batch']}) in {b['seconds']} s: " if b.get("path") == "inbox" else
                   f"{b['events']:,} events from {b['workers']} processes in {b['seconds']} s: ")
                  + f"**{b['events_per_second']} events/s** (target >= 1,000); "
                  f"{b['entries']:,} ledger entries, {b['badge_grants']:,} badges; "
                  f"totals {b['total_points']:,} = ledger {b['ledger_points']:,}, "
                  f"recompute drift {b['recompute_drift_rows']} rows.", ""]
    if report.get("rewards"):
        r, t = report["rewards"]["race"], report["rewards"]["throughput"]
        lines += ["## Redemptions", "",
                  f"The race: {r['racers']} members redeem a gift with stock {r['stock']} at the "
                  f"same moment: **{r['redeemed']} redeemed** ({r['redemptions_stored']} stored, "
                  f"stock left {r['stock_left']}; target exactly {r['stock']}). Throughput from "
                  f"{t['workers']} processes: **{t['redemptions_per_second']} discount-code "
                  f"redemptions/s** against {t['baseline_awards_per_second']} bare ledger "
                  f"awards/s (ratio {t['ratio']}); recompute drift "
                  f"{report['rewards']['recompute_drift_rows']} rows.", ""]
    return "\n".join(lines)
