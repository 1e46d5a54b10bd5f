#!/bin/bash
# A/B of builds and settings on a cache hit: each instance is a jar with its own arguments,
# all started side by side, each warmed with WARM s of hits, then measured in RUN s runs of
# wrk (2 threads, CONNECTIONS) on one hot product, rotated, REPEATS each; with NGINX=1 (the
# default when nginx is installed) nginx serving the hit's bytes from a file runs in the
# rotation too, as the ceiling of an HTTP server on this machine. Each run reports requests/s,
# p99, and CPU µs of the instance's JVM per request from /proc (user + system): the primary
# figure on a shared machine. Medians and their ratios to the first instance (and to nginx)
# close the report, with each instance's RSS after the runs.
#
#   bench/ab.sh NAME=JAR[,ARG...] ...
#   bench/ab.sh tomcat=target/product-api.jar jetty=/tmp/jetty.jar \
#     tomcat-platform=target/product-api.jar,--spring.threads.virtual.enabled=false
#
# ARGs are the API's (--name=value) or environment variables (NAME=value). Needs Redis on
# localhost:6379, wrk and JDK 25 (JAVA). bench/tracing-cost.sh is built on it.
set -eu
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
WARM=${WARM:-40}
RUN=${RUN:-20}
REPEATS=${REPEATS:-3}
CONNECTIONS=${CONNECTIONS:-64}
FIRST_PORT=${FIRST_PORT:-18091}
ID=00000000-0000-4000-8000-000000000001
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh
[ $# -gt 0 ] || die "usage: bench/ab.sh NAME=JAR[,ARG...] ... (see the comment at its top)"
command -v nginx >/dev/null && NGINX=${NGINX:-1} || NGINX=0
log "results in $OUT"

names=()
declare -A port pid
pids=()
stop_all() {
  set +e
  for p in "${pids[@]}"; do stop "$p"; done
  [ "$NGINX" = 1 ] && nginx_stop
}
trap stop_all EXIT

start() { # name port jar [arg...]
  local name=$1 jar=$3 environment=() arguments=() a
  port[$name]=$2
  shift 3
  for a in "$@"; do
    if [[ "$a" == --* ]]; then arguments+=("$a"); else environment+=("$a"); fi
  done
  env "${environment[@]}" API_PORT="${port[$name]}" DATABASE_URL="jdbc:sqlite:$OUT/$name.db" API_SHUTDOWN_DRAIN_SECONDS=0 \
    "$JAVA" @jvm.options -Xmx256m -jar "$jar" "${arguments[@]}" >"$OUT/$name.log" 2>&1 &
  pid[$name]=$!
  pids+=($!)
  names+=("$name")
}

next_port=$FIRST_PORT
for instance in "$@"; do
  IFS=, read -r -a parts <<< "${instance#*=}"
  start "${instance%%=*}" $next_port "${parts[@]}"
  next_port=$(( next_port + 1 ))
done
for name in "${names[@]}"; do
  for _ in $(seq 150); do curl -sf "localhost:${port[$name]}/actuator/health/readiness" >/dev/null && break; sleep 1; done
  curl -sf "localhost:${port[$name]}/actuator/health/readiness" >/dev/null || die "$name did not turn ready: $OUT/$name.log"
done
if [ "$NGINX" = 1 ]; then
  API_PORT=$next_port
  BASE="http://127.0.0.1:${port[${names[0]}]}"
  # shellcheck source=bench/lib/nginx.sh
  source bench/lib/nginx.sh
  nginx_start "/products/$ID"
  names+=(nginx)
  port[nginx]=$NGINX_PORT
fi

# CPU time of a process and its children (nginx's workers), in clock ticks.
cpu() { # pid
  local p total=0
  for p in $1 $(pgrep -P "$1"); do total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat") )); done
  echo $total
}
measure() { # name seconds
  local before after result requests p99
  before=$(cpu "${pid[$1]}")
  result=$(wrk -t2 -c"$CONNECTIONS" -d"$2s" --latency "http://127.0.0.1:${port[$1]}/products/$ID")
  after=$(cpu "${pid[$1]}")
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  p99=$(echo "$result" | awk '$1 == "99%" { v = $2 + 0; u = $2; sub(/^[0-9.]+/, "", u)
    print (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v }')
  echo "$1 requests/s=$(( requests / $2 )) p99=$p99 cpu_us_per_request=$(awk "BEGIN {printf \"%.1f\", ($after - $before) / $(getconf CLK_TCK) * 1e6 / $requests}")"
}
[ "$NGINX" = 1 ] && pid[nginx]=$NGINX_PID
log "warming up each instance for ${WARM}s"
for name in "${names[@]}"; do [ "$name" = nginx ] || measure "$name" "$WARM" >/dev/null; done
log "rotation: $REPEATS rounds of ${RUN}s runs at $CONNECTIONS connections, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$REPEATS"); do
  # Each round starts one further along the list, so that no instance always runs first.
  for i in $(seq 0 $(( ${#names[@]} - 1 ))); do
    measure "${names[$(( (i + round - 1) % ${#names[@]} ))]}" "$RUN"
  done
done | tee "$OUT/runs.txt"
rss_mb() { # pid: of a process and its children
  local p total=0
  for p in $1 $(pgrep -P "$1"); do total=$(( total + $(ps -o rss= -p "$p") )); done
  echo $(( total / 1024 ))
}
echo "medians of $REPEATS, load average after: $(cut -d' ' -f1-3 /proc/loadavg); RSS after the runs:"
for name in "${names[@]}"; do echo "  $name $(rss_mb "${pid[$name]}") MB"; done
field() { # name field: the median of one field over the runs of one instance
  grep "^$1 " "$OUT/runs.txt" | tr ' ' '\n' | awk -F= -v f="$2" '$1 == f {print $2 + 0}' | sort -g \
    | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
for name in "${names[@]}"; do
  echo "$name $(field "$name" requests/s) $(field "$name" p99) $(field "$name" cpu_us_per_request)"
done | tee "$OUT/medians.txt" | awk -v nginx="$(field nginx requests/s 2>/dev/null || true)" '
  NR == 1 {firstRps = $2; firstUs = $4}
  {printf "%-16s requests/s=%-7s (%.2f of %s%s)  p99_ms=%s  cpu_us_per_request=%-6s (%.2f of first)\n", $1, $2,
     $2 / firstRps, "first", (nginx > 0) ? sprintf(", %.2f of nginx", $2 / nginx) : "", $3, $4, $4 / firstUs}'
