#!/bin/bash
# What tracing costs a cache hit: three instances of the built jar, tracing off, on with
# sampling 0 (every request traced, nothing exported) and on with the default 0.1, exporting
# to a stand-in collector on loopback (bench/OtlpSink.java: one thread, keep-alive, answers
# each export with an empty 200). Each is warmed with WARM s of hits, then measured in RUN s
# runs of wrk, rotated, REPEATS each: requests/s, and CPU µs of the API's JVM per hit from
# /proc (user + system), the primary figure on a shared machine. The medians and their ratios
# to "off" close the report.
# Needs Redis on localhost:6379, wrk and JDK 25 (JAVA); run from the repository after
# ./mvnw package. EXTRA_JAR=path adds a fourth instance, "on-extra", sampling 0.1 on that jar
# (say, an older build), measured in the same rotation.
set -eu
JAVA=${JAVA:-java}
JAR=${JAR:-target/product-api.jar}
WARM=${WARM:-40}
RUN=${RUN:-20}
REPEATS=${REPEATS:-3}
ID=00000000-0000-4000-8000-000000000001
OUT=$(mktemp -d)
echo "results in $OUT"
$JAVA -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 bench/OtlpSink.java 14318 >"$OUT/sink.log" 2>&1 &
sink=$!
pids=()
stop() {
  set +e
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  kill $sink
  wait $sink 2>/dev/null
  cat "$OUT/sink.log"
}
trap stop EXIT
ENDPOINT=OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14318
names=(off zero on)
declare -A port pid
start() { # name port jar variables...
  local name=$1
  port[$name]=$2
  local jar=$3
  shift 3
  env "$@" API_PORT=${port[$name]} DATABASE_URL=jdbc:sqlite:$OUT/$name.db \
    $JAVA @jvm.options -Xmx256m -jar "$jar" >"$OUT/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=($!)
}
start off 18092 "$JAR"
start zero 18093 "$JAR" $ENDPOINT TRACING_SAMPLING_PROBABILITY=0
start on 18091 "$JAR" $ENDPOINT
if [ -n "${EXTRA_JAR:-}" ]; then
  names+=(on-extra)
  start on-extra 18094 "$EXTRA_JAR" $ENDPOINT
fi
for name in "${names[@]}"; do
  for _ in $(seq 150); do curl -sf localhost:${port[$name]}/actuator/health/readiness >/dev/null && break; sleep 1; done
done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
measure() { # name seconds
  local before after requests
  before=$(cpu ${pid[$1]})
  requests=$(wrk -t2 -c64 -d$2s http://127.0.0.1:${port[$1]}/products/$ID | awk '/requests in/ {print $1}')
  after=$(cpu ${pid[$1]})
  echo "$1 requests/s=$((requests / $2)) cpu_us_per_hit=$(awk "BEGIN {printf \"%.1f\", ($after - $before) / $(getconf CLK_TCK) * 1e6 / $requests}")"
}
for name in "${names[@]}"; do measure $name $WARM >/dev/null; done
for round in $(seq $REPEATS); do
  # Each round starts one further along the list, so that no instance always runs first.
  for i in $(seq 0 $((${#names[@]} - 1))); do
    measure ${names[$(((i + round - 1) % ${#names[@]}))]} $RUN
  done
done | tee "$OUT/runs.txt"
echo "medians of $REPEATS:"
for name in "${names[@]}"; do
  rps=$(grep "^$name " "$OUT/runs.txt" | sed 's/.*requests\/s=\([0-9]*\).*/\1/' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  us=$(grep "^$name " "$OUT/runs.txt" | sed 's/.*cpu_us_per_hit=//' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$name $rps $us"
done | tee "$OUT/medians.txt" | awk '
  NR == 1 {offRps = $2; offUs = $3}
  {printf "%-9s requests/s=%-6s (%.2f of off)  cpu_us_per_hit=%-6s (%.2f of off)\n", $1, $2, $2 / offRps, $3, $3 / offUs}'
