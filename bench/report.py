"""Turns bench/out/raw.csv (and the special modes' files) into bench/results/<label>.md and the
data file for plot.gp. Every section appears only when its scenarios ran."""
import argparse
import csv
import os
import statistics
from collections import defaultdict

SCENARIOS = {
    "f-constant": "(f) reference: constant JSON",
    "a-hot": "(a) GET hit, one hot id",
    "n-nginx": "(n) nginx: (a)'s bytes from a file",
    "h-not-modified": "(h) GET hit, one hot id, If-None-Match: 304",
    "b-uniform": "(b) GET hit, uniform ids",
    "g-batch-20": "(g) GET ?ids= batch of 20 hot ids",
    "c-zipf-cold": "(c) GET, Zipf skew, cold cache",
    "d-mixed-95-5": "(d) 95 % GET / 5 % PUT",
    "i-list-page": "(i) list page of 20 at a random cursor",
    "i-list-first": "(i) list, first page of 20",
    "e-redis-down": "(e) GET with Redis down",
}
BATCH = 20

parser = argparse.ArgumentParser()
parser.add_argument("raw")
parser.add_argument("out")
for option in ("products", "duration", "repeats", "startup-ms", "plain-startup-ms", "startup-repeats", "jvm", "java",
               "near", "settings", "topology", "database", "scenarios", "zipf", "writes", "failover", "coldstart",
               "coldstart-steady", "write-rate", "failover-rate", "coldstart-seconds", "coldstart-launch", "steady"):
    parser.add_argument("--" + option, default="")
args = parser.parse_args()
name = os.path.basename(args.out)

rows = list(csv.DictReader(open(args.raw)))
groups = defaultdict(list)
for row in rows:
    groups[(row["scenario"], int(row["connections"]))].append(row)
connection_counts = sorted({c for _, c in groups if c})


def number(value):
    return None if value in ("-", "", None, "timeout") else float(value)


def median(group, field):
    values = [number(r[field]) for r in group if number(r[field]) is not None]
    return statistics.median(values) if values else None


def fmt(value, pattern="{:.2f}"):
    return "-" if value is None else pattern.format(value)


def paired_ratio(scenario, reference, connections, field="rps"):
    """Median over repeats of scenario/reference for one field, each pair from the same repeat."""
    by_repeat = {r["repeat"]: number(r[field]) for r in groups.get((reference, connections), [])}
    ratios = [number(r[field]) / by_repeat[r["repeat"]] for r in groups.get((scenario, connections), [])
              if by_repeat.get(r["repeat"]) and number(r[field]) is not None]
    return statistics.median(ratios) if ratios else None


def rss_during(scenarios, connections):
    return max(int(r["rss_mb"]) for s in scenarios for r in groups[(s, connections)])


def targets():
    """The targets, each measured on (a) and (b) at 64 connections in this run."""
    hits = ("a-hot", "b-uniform")
    if any((s, 64) not in groups for s in hits) or ("f-constant", 64) not in groups:
        return []
    floor = 0.95 if args.near == "on" else 0.8
    hit_ratio = min(paired_ratio(s, "f-constant", 64) for s in hits)
    hit_p99 = max(median(groups[(s, 64)], "p99_ms") for s in hits)
    rss = rss_during(hits, 64)
    checks = [
        (f"GET hit throughput vs (f), near cache {args.near}", f">= {floor}", f"{hit_ratio:.2f}", hit_ratio >= floor),
        ("GET hit p99", "<= 10 ms", f"{hit_p99:.2f} ms", hit_p99 <= 10),
        ("RSS under load", "<= 300 MB", f"{rss} MB", rss <= 300),
    ]
    if ("n-nginx", 64) in groups:
        of_nginx = paired_ratio("a-hot", "n-nginx", 64)
        checks.insert(1, ("GET hit (a) vs nginx (n)", ">= 0.4", f"{of_nginx:.2f}", of_nginx >= 0.4))
    if args.startup_ms not in ("", "-"):
        checks.insert(2, ("start-up to the first served request", "<= 3000 ms", f"{args.startup_ms} ms",
                          int(args.startup_ms) <= 3000))
    lines = ["Targets, on (a) and (b) at 64 connections:", "", "| target | goal | measured | |", "| --- | --- | ---: | --- |"]
    lines += [f"| {n} | {goal} | {value} | {'met' if ok else '**missed**'} |" for n, goal, value, ok in checks]
    cold = min(median(groups[(s, 64)], "hit_ratio") or 0 for s in hits)
    if cold < 0.95:
        lines += ["", f"The targets are for cache hits, but (a) or (b) hit only {cold:.2f} of the time in this run "
                  "(more products than the warm-up reads), so these rows measure misses too."]
    return lines + [""]


lines = [
    f"# Benchmark {name}",
    "",
    "| run | |",
    "| --- | --- |",
    f"| Redis topology | {args.topology} |",
    f"| database | {args.database} |",
    f"| products | {int(args.products):,} |",
    f"| API settings | {'`' + args.settings.strip() + '`' if args.settings.strip() else 'none (defaults)'} |",
    f"| JVM | `{args.java}`, `java {args.jvm.strip()}`, extracted jar with an AOT cache, as the Docker image runs it |",
    f"| scenarios | {args.scenarios} |",
    "",
]
if args.startup_ms not in ("", "-"):
    lines += [f"Start-up to the first served request, median of {args.startup_repeats} launches: "
              f"**{args.startup_ms} ms** ({args.plain_startup_ms} ms from the plain jar without the AOT cache).", ""]

if rows:
    lines += [
        f"{args.repeats} repeats of {args.duration} s per figure, medians shown. wrk (2 threads) and the API share "
        f"the machine's cores over loopback. Highest RSS seen: **{max(int(r['rss_mb']) for r in rows)} MB**.",
        "",
        *targets(),
        "\"vs (f)\" columns: the median over repeats of the ratio to the (f) run of the same repeat, for "
        "requests/s, p99 and p99.9.",
        "",
        "| scenario | connections | requests/s | p50 ms | p99 ms | p99.9 ms | hit ratio | vs (f) | p99 vs (f) | "
        "p99.9 vs (f) | RSS MB | non-2xx | socket errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    order = [k for k in SCENARIOS] + sorted({s for s, _ in groups if s not in SCENARIOS})
    for scenario in order:
        for connections in sorted({c for s, c in groups if s == scenario}):
            group = groups[(scenario, connections)]
            paired = scenario[0] in "abcdeghi"
            vs, vs99, vs999 = (paired_ratio(scenario, "f-constant", connections, field) if paired else None
                               for field in ("rps", "p99_ms", "p999_ms"))
            label = SCENARIOS.get(scenario, scenario + " (fixed rate, latency from due time)")
            lines.append(
                f"| {label} | {connections or '-'} | {median(group, 'rps'):,.0f} | {fmt(median(group, 'p50_ms'))} | "
                f"{fmt(median(group, 'p99_ms'))} | {fmt(median(group, 'p999_ms'))} | "
                f"{fmt(median(group, 'hit_ratio'), '{:.3f}')} | {fmt(vs)} | {fmt(vs99, '{:.1f}')} | "
                f"{fmt(vs999, '{:.1f}')} | "
                f"{max(int(r['rss_mb']) for r in group)} | {sum(int(r['non2xx']) for r in group)} | "
                f"{sum(int(r['socket_errors']) for r in group)} |")
    lines.append("")
    nginx_counts = sorted(c for s, c in groups if s == "n-nginx")
    if nginx_counts:
        lines += ["**Against nginx** serving (a)'s bytes from a file on the same machine (its row's RSS is the "
                  "API's), median over repeats of the ratio in the same repeat: (a)/(n) "
                  + ", ".join(f"**{fmt(paired_ratio('a-hot', 'n-nginx', c))}** at {c}" for c in nginx_counts)
                  + "; (f)/(n) " + ", ".join(f"{fmt(paired_ratio('f-constant', 'n-nginx', c))} at {c}"
                                             for c in nginx_counts) + ".", ""]
    bypassed = [(s, c, median(g, "bypass_ratio")) for (s, c), g in sorted(groups.items())
                if "bypass_ratio" in g[0] and (median(g, "bypass_ratio") or 0) > 0.01 and s != "e-redis-down"]
    if bypassed:
        lines += ["**Reads that skipped Redis** (BYPASS: the circuit breaker open after a Redis command timed out, "
                  "or a write's invalidation pending), share of lookups: "
                  + ", ".join(f"{s} at {c}: {b:.3f}" for s, c, b in bypassed)
                  + ". With Redis up, that points at an overloaded machine: their hit ratios and figures are "
                  "not those of the cache.", ""]

    if any(s == "h-not-modified" for s, _ in groups):
        lines += ["### (h) If-None-Match against (a)", "",
                  "The same hot product as (a), sent with `If-None-Match` naming its current version (read just "
                  "before each run): a 304 without a body. (h)/(a) is the median over repeats of the ratio of "
                  "the two runs of the same repeat; the 304 share is read from the API's "
                  "`http_server_requests` metric and should be 1.", "",
                  "| connections | (a) requests/s | (h) requests/s | (h)/(a), same repeat | (a) p99 ms | (h) p99 ms | 304 share |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for c in connection_counts:
            a, h = groups.get(("a-hot", c), []), groups.get(("h-not-modified", c), [])
            if not h:
                continue
            lines.append(f"| {c} | {fmt(median(a, 'rps'), '{:,.0f}')} | {median(h, 'rps'):,.0f} | "
                         f"{fmt(paired_ratio('h-not-modified', 'a-hot', c))} | {fmt(median(a, 'p99_ms'))} | "
                         f"{fmt(median(h, 'p99_ms'))} | {fmt(median(h, 'share_304'), '{:.3f}')} |")
        lines.append("")

    if any(s == "g-batch-20" for s, _ in groups):
        lines += ["### (g) Batch reads against (b)", "",
                  f"`GET /products?ids=` with {BATCH} distinct random ids out of the first 1,000 products (one MGET "
                  f"for all of them): products/s is requests/s × {BATCH}. (b) reads one product per request.", "",
                  "| connections | (b) requests/s = products/s | (g) requests/s | (g) products/s | (g) products/s ÷ (b), same repeat | (g) p99 ms | (g) hit ratio |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for c in connection_counts:
            b, g = groups.get(("b-uniform", c), []), groups.get(("g-batch-20", c), [])
            if not g:
                continue
            per_product = paired_ratio("g-batch-20", "b-uniform", c)
            lines.append(f"| {c} | {fmt(median(b, 'rps'), '{:,.0f}')} | {median(g, 'rps'):,.0f} | "
                         f"{median(g, 'rps') * BATCH:,.0f} | {fmt(None if per_product is None else per_product * BATCH)} | "
                         f"{fmt(median(g, 'p99_ms'))} | {fmt(median(g, 'hit_ratio'), '{:.3f}')} |")
        lines.append("")

    if any(s.startswith("i-") for s, _ in groups):
        lines += ["### (i) List pages", "",
                  "`GET /products?limit=20&cursor=...` with a cursor drawn at random from a pool collected by walking "
                  "`next_cursor` over products at random positions, and the unfiltered first page "
                  "(`GET /products?limit=20`). A page is one keyset query on the database; the cache is not involved.", "",
                  "| connections | page | requests/s | p50 ms | p99 ms | p99.9 ms | non-2xx |",
                  "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
        for c in connection_counts:
            for scenario, page in (("i-list-page", "random cursor"), ("i-list-first", "first page")):
                group = groups.get((scenario, c))
                if group:
                    lines.append(f"| {c} | {page} | {median(group, 'rps'):,.0f} | {fmt(median(group, 'p50_ms'))} | "
                                 f"**{fmt(median(group, 'p99_ms'))}** | {fmt(median(group, 'p999_ms'))} | "
                                 f"{sum(int(r['non2xx']) for r in group)} |")
        lines.append("")

    if args.zipf and os.path.getsize(args.zipf) > 0:
        lines += ["Zipf scenario (c), hit ratio in each second while the cold cache warms (first repeat, "
                  f"{connection_counts[0] if connection_counts else 64} connections):", "",
                  "| seconds since start | hit ratio |", "| ---: | ---: |"]
        for line in open(args.zipf):
            second, hit = line.split()
            lines.append(f"| {second} | {float(hit):.3f} |")
        lines.append("")
    lines += [f"![throughput and p99]({name}.png)", ""]

if args.writes:
    writes = list(csv.DictReader(open(args.writes)))
    waits = median(writes, "waits_per_put")
    mode = ("on: a WAIT for the replicas after each DEL" if waits and waits >= 0.5
            else "off, or no replicas to wait for: no WAIT after the DELs")
    lines += ["## Write latency", "",
              f"PUTs alone (`{{\"stock_quantity\": n}}` on uniform ids) at a fixed {args.write_rate} per second, "
              f"{args.duration} s per repeat, latency measured from each request's due time (`FixedRate.java`, "
              "first fifth left out). WAITs per PUT are counted on the masters (`INFO commandstats`) and tell "
              f"which case this run measured: replica acknowledgement **{mode}**.", "",
              "| repeat | p50 ms | p99 ms | p99.9 ms | PUTs | failures | WAITs per PUT |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for w in writes:
        lines.append(f"| {w['repeat']} | {w['p50_ms']} | {w['p99_ms']} | {w['p999_ms']} | {w['requests']} | "
                     f"{w['failures']} | {w['waits_per_put']} |")
    lines += [f"| median | {fmt(median(writes, 'p50_ms'))} | **{fmt(median(writes, 'p99_ms'))}** | "
              f"{fmt(median(writes, 'p999_ms'))} | | | {fmt(waits, '{:.3f}')} |", ""]

if args.failover:
    failovers = list(csv.DictReader(open(args.failover)))
    lines += ["## Failover", "",
              f"Under a light read load ({args.failover_rate} GETs/s of uniform ids, fixed rate), `kill -9` of the "
              "master holding a cached product's key; times from the kill. *Writable*: the promoted replica accepts "
              "a write (polled with redis-cli every ~10 ms). *Fresh hit*: a PUT sent right after the kill, then "
              "GETs every ~10 ms until the API serves the product from the cache with the PUT's version (BYPASS "
              "while the invalidation is pending, then MISS, then HIT). A stale hit is a HIT with an older "
              "version: it should never happen. A fresh topology and API for each repeat.", "",
              "| repeat | killed master | new master | writable ms | fresh hit ms | first MISS ms | PUT | PUT ms | "
              "stale hits | BYPASS answers | GETs unanswered in 2 s | load p99 ms | load failures |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for f in failovers:
        lines.append(f"| {f['repeat']} | :{f['killed_port']} | :{f['new_master_port']} | {f['writable_ms']} | "
                     f"{f['fresh_hit_ms']} | {f['first_miss_ms']} | {f['put_status']} | {f['put_ms']} | "
                     f"{f['stale_hits']} | {f['bypassed']} | {f['unanswered']} | {f['load_p99_ms']} | {f['load_failures']} |")
    lines += [f"| median | | | **{fmt(median(failovers, 'writable_ms'), '{:.0f}')}** | "
              f"**{fmt(median(failovers, 'fresh_hit_ms'), '{:.0f}')}** | {fmt(median(failovers, 'first_miss_ms'), '{:.0f}')} | | "
              f"{fmt(median(failovers, 'put_ms'), '{:.0f}')} | {sum(int(f['stale_hits']) for f in failovers)} | | | "
              f"{fmt(median(failovers, 'load_p99_ms'))} | |", ""]

if args.coldstart:
    starts = list(csv.DictReader(open(args.coldstart)))
    steady = dict(kv.split("=") for kv in open(args.coldstart_steady).read().split()[1:])
    steady_hits = float(steady["rps"]) * (number(steady.get("hit_ratio")) or 1)
    slices = defaultdict(list)
    dat = os.path.join(os.path.dirname(args.out), f"{name}-coldstart.dat")
    for line in open(dat):
        if line.strip() and not line.startswith("#"):
            repeat, second, rps, hits, p99, hit = line.split()
            slices[repeat].append((float(second), number(hits), number(p99)))

    def reached(repeat, share):
        """Seconds since readiness at the end of the first slice with hits/s >= share x steady."""
        return next((s + 1 for s, h, _ in slices[repeat] if h is not None and h >= share * steady_hits), None)

    def launch_to(start, share):
        """Seconds from launch to the end of the first slice with hits/s >= share x steady."""
        after = reached(start["repeat"], share)
        return None if after is None else int(start["ready_ms"]) / 1000 + after

    def worst_p99(repeat):
        return max((p for _, _, p in slices[repeat] if p is not None), default=None)

    to80 = [launch_to(s, 0.8) for s in starts]

    gaps = [(b[0] - a[0] - 1) * 1000 for runs in slices.values() for a, b in zip(runs, runs[1:])]
    gap = f"{statistics.median(gaps):.0f} ms" if gaps else "-"
    lines += ["## Cold start", "",
              f"Launch (`{args.coldstart_launch.strip()}`) → `/actuator/health/readiness` 200, then at once one hot product (a cache hit) at 64 "
              f"connections for {args.coldstart_seconds} consecutive 1 s wrk runs. Between two runs there is no "
              f"load while wrk restarts and the metrics are scraped: {gap} (median) in this run; each slice is "
              f"plotted at the time it really ran. Steady state: the same instance after {args.steady}: "
              f"**{steady_hits:,.0f} hits/s, p99 {float(steady['p99_ms']):.2f} ms**.", "",
              f"**Launch to 80 % of steady hits/s: {fmt(statistics.median(to80) if None not in to80 else None, '{:.1f}')} s** "
              "(median; the end of the first slice at or above it, counted from launch).", "",
              "| repeat | readiness ms | hits/s in the first second | p99 ms in the first second | "
              "worst p99 ms of a slice | 50 % of steady hits/s after s | 90 % after s | launch → 80 %, s |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in starts:
        first = slices[s["repeat"]][0] if slices[s["repeat"]] else (0, None, None)
        lines.append(f"| {s['repeat']} | {s['ready_ms']} | {fmt(first[1], '{:,.0f}')} | {fmt(first[2])} | "
                     f"{fmt(worst_p99(s['repeat']))} | {fmt(reached(s['repeat'], 0.5), '{:.1f}')} | "
                     f"{fmt(reached(s['repeat'], 0.9), '{:.1f}')} | {fmt(launch_to(s, 0.8), '{:.1f}')} |")
    lines += [f"| median | **{fmt(median(starts, 'ready_ms'), '{:.0f}')}** | | | | | | |", "",
              f"![cold start: hits/s and p99 per second]({name}-coldstart.png)", ""]

open(args.out + ".md", "w").write("\n".join(lines))

if rows:
    with open(args.out + ".dat", "w") as data:
        shown = connection_counts[:2] + [0] * (2 - len(connection_counts[:2]))
        data.write(f"# scenario rps{shown[0]} rps{shown[1]} p99_{shown[0]} p99_{shown[1]} "
                   f"p999_{shown[0]} p999_{shown[1]}\n")
        for scenario in SCENARIOS:
            if not any(s == scenario for s, _ in groups):
                continue
            values = []
            for field in ("rps", "p99_ms", "p999_ms"):
                for connections in shown:
                    group = groups.get((scenario, connections))
                    values.append(median(group, field) if group else 0)
            data.write(f'"{scenario}" ' + " ".join(str(v or 0) for v in values) + "\n")
