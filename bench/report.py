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
for option in ("products", "duration", "repeats", "startup-ms", "jvm", "java"):
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


lines = [
    f"# Benchmark {args.out.split('/')[-1]}",
    "",
    f"{args.products} products, {args.repeats} repeats of {args.duration} s per figure, medians shown. "
    f"wrk (2 threads) and the API share the machine's cores over loopback.",
    f"JVM: `{args.java}`, options `{args.jvm.strip()}`. Start-up to the first served request: **{args.startup_ms} ms**. "
    f"Highest RSS seen: **{max(int(r['rss_mb']) for r in rows)} MB**.",
    "",
    "| scenario | connections | requests/s | p50 ms | p99 ms | p99.9 ms | hit ratio | vs (f) | non-2xx | socket errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
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
            f"{sum(int(r['non2xx']) for r in group)} | {sum(int(r['socket_errors']) for r in group)} |")

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
