"""Turns bench/out/raw.csv into bench/results/<label>.md and the data file for plot.gp."""
import argparse
import csv
import statistics
from collections import defaultdict

SCENARIOS = {
    "a-hot": "(a) GET hit, one hot id",
    "b-uniform": "(b) GET hit, uniform ids",
    "c-zipf-cold": "(c) GET, Zipf skew, cold cache",
    "d-mixed-95-5": "(d) 95 % GET / 5 % PUT",
    "e-redis-down": "(e) GET with Redis down",
    "f-constant": "(f) reference: constant JSON",
}

parser = argparse.ArgumentParser()
parser.add_argument("raw")
parser.add_argument("zipf")
parser.add_argument("out")
for option in ("products", "duration", "repeats", "startup-ms", "plain-startup-ms", "startup-repeats", "jvm", "java", "near"):
    parser.add_argument("--" + option)
args = parser.parse_args()

rows = list(csv.DictReader(open(args.raw)))
groups = defaultdict(list)
for row in rows:
    groups[(row["scenario"], int(row["connections"]))].append(row)


def median(group, field):
    values = [float(r[field]) for r in group if r[field] not in ("-", "")]
    return statistics.median(values) if values else None


def ratio(scenario, connections):
    """Median over repeats of scenario/constant, each pair taken from the same repeat."""
    by_repeat = {r["repeat"]: float(r["rps"]) for r in groups[("f-constant", connections)]}
    ratios = [float(r["rps"]) / by_repeat[r["repeat"]] for r in groups[(scenario, connections)] if r["repeat"] in by_repeat]
    return statistics.median(ratios) if ratios else None


def rss_during(scenarios, connections):
    return max(int(r["rss_mb"]) for s in scenarios for r in groups[(s, connections)])


def targets():
    """The targets, each measured on (a) and (b) at 64 connections in this run."""
    hits = ("a-hot", "b-uniform")
    if any((s, 64) not in groups for s in hits):
        return ["(not measured: this run had no repeats at 64 connections)"]
    floor = 0.95 if args.near == "on" else 0.8
    hit_ratio = min(ratio(s, 64) for s in hits)
    hit_p99 = max(median(groups[(s, 64)], "p99_ms") for s in hits)
    rss = rss_during(hits, 64)
    checks = [
        (f"GET hit throughput vs (f), near cache {args.near}", f">= {floor}", f"{hit_ratio:.2f}", hit_ratio >= floor),
        ("GET hit p99", "<= 10 ms", f"{hit_p99:.2f} ms", hit_p99 <= 10),
        ("start-up to the first served request", "<= 3000 ms", f"{args.startup_ms} ms", int(args.startup_ms) <= 3000),
        ("RSS under load", "<= 300 MB", f"{rss} MB", rss <= 300),
    ]
    rows = ["| target | goal | measured | |", "| --- | --- | ---: | --- |"]
    rows += [f"| {name} | {goal} | {value} | {'met' if ok else '**missed**'} |" for name, goal, value, ok in checks]
    cold = min(median(groups[(s, 64)], "hit_ratio") for s in hits)
    if cold < 0.95:
        rows += ["", f"The targets are for cache hits, but (a) or (b) hit only {cold:.2f} of the time in this run "
                 "(more products than the warm-up reads), so these rows measure misses too."]
    return rows


lines = [
    f"# Benchmark {args.out.split('/')[-1]}",
    "",
    f"{args.products} products, {args.repeats} repeats of {args.duration} s per figure, medians shown. "
    f"wrk (2 threads) and the API share the machine's cores over loopback.",
    f"JVM: `{args.java}`, `java {args.jvm.strip()}`, started from the extracted jar with an AOT cache, as the "
    f"Docker image does. Start-up to the first served request, median of {args.startup_repeats} launches: "
    f"**{args.startup_ms} ms** ({args.plain_startup_ms} ms from the plain jar without the AOT cache). "
    f"Highest RSS seen: **{max(int(r['rss_mb']) for r in rows)} MB**.",
    "",
    "Targets, on (a) and (b) at 64 connections:",
    "",
    *targets(),
    "",
    "| scenario | connections | requests/s | p50 ms | p99 ms | p99.9 ms | hit ratio | vs (f) | RSS MB | non-2xx | socket errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
]
order = [k for k in SCENARIOS] + sorted({s for s, _ in groups if s not in SCENARIOS})
for scenario in order:
    for connections in sorted({c for s, c in groups if s == scenario}):
        group = groups[(scenario, connections)]
        hit = median(group, "hit_ratio")
        vs = ratio(scenario, connections) if scenario[0] in "abcde" else None
        name = SCENARIOS.get(scenario, scenario + " (fixed rate, latency from due time)")
        lines.append(
            f"| {name} | {connections or '-'} | {median(group, 'rps'):,.0f} | {median(group, 'p50_ms'):.2f} | "
            f"{median(group, 'p99_ms'):.2f} | {median(group, 'p999_ms'):.2f} | "
            f"{'-' if hit is None or scenario.startswith('f') else f'{hit:.3f}'} | {'-' if vs is None else f'{vs:.2f}'} | "
            f"{max(int(r['rss_mb']) for r in group)} | {sum(int(r['non2xx']) for r in group)} | {sum(int(r['socket_errors']) for r in group)} |")

lines += ["", "Zipf scenario (c), hit ratio in each second while the cold cache warms (64 connections, first repeat):", ""]
lines += ["| seconds since start | hit ratio |", "| ---: | ---: |"]
for line in open(args.zipf):
    second, hit = line.split()
    lines.append(f"| {second} | {float(hit):.3f} |")
lines += ["", f"![throughput and p99]({args.out.split('/')[-1]}.png)", ""]
open(args.out + ".md", "w").write("\n".join(lines))

with open(args.out + ".dat", "w") as data:
    data.write("# scenario rps64 rps256 p99_64 p99_256\n")
    for scenario in SCENARIOS:
        values = []
        for field in ("rps", "p99_ms"):
            for connections in (64, 256):
                group = groups.get((scenario, connections))
                values.append(median(group, field) if group else 0)
        data.write(f'"{scenario}" {values[0]} {values[1]} {values[2]} {values[3]}\n')
