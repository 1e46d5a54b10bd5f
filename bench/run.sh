#!/usr/bin/env bash
# The Product API benchmark: one command, rerunnable anywhere with Debian/Ubuntu tools.
#
#   bench/run.sh                       # 10,000 products, 3 repeats of 10 s per figure
#   BENCH_PRODUCTS=1000000 bench/run.sh
#
# It builds the API, starts it on its own ports with its own Redis and a fresh SQLite
# database, loads the products, drives each scenario with wrk over loopback at 64 and 256
# connections, then a fixed-rate run free of coordinated omission, and writes
# bench/results/<date>.md and .png. See bench/README.md for what each scenario means.
set -euo pipefail
cd "$(dirname "$0")/.."

PRODUCTS=${BENCH_PRODUCTS:-10000}
DURATION=${BENCH_DURATION:-10}
REPEATS=${BENCH_REPEATS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-"64 256"}
RATE=${BENCH_RATE:-2000}
API_PORT=${BENCH_API_PORT:-18080}
REDIS_PORT=${BENCH_REDIS_PORT:-16379}
JVM_OPTS=${BENCH_JVM_OPTS:-"-Xmx256m"}  # added to jvm.options, which the Docker image uses too
EXTRA_SETTINGS=${BENCH_SETTINGS:-}
NEAR=$([[ "$EXTRA_SETTINGS" == *CACHE_NEAR_ENABLED=true* ]] && echo on || echo off)
WARMUP=${BENCH_WARMUP:-30}
STARTUP_REPEATS=${BENCH_STARTUP_REPEATS:-3}
OUT=bench/out
RESULTS=bench/results
DATE=$(date -u +%F)
LABEL=${BENCH_LABEL:-$DATE}
BASE="http://127.0.0.1:$API_PORT"

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }

need() {
  local tool=$1 package=$2
  command -v "$tool" >/dev/null && return
  if [ "$(id -u)" = 0 ]; then
    log "installing $package"
    apt-get install -y -qq "$package" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; }
  else
    log "missing $tool: sudo apt-get install $package"; exit 1
  fi
}
need wrk wrk
need sqlite3 sqlite3
need gnuplot gnuplot-nox
need redis-server redis-server
need python3 python3

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && [ -z "${JAVA_HOME:-}" ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -n "${JAVA_HOME:-}" ] && export PATH="$JAVA_HOME/bin:$PATH"

rm -rf "$OUT" && mkdir -p "$OUT" "$RESULTS"
log "building"
./mvnw -q -DskipTests package

stop() { # pid: SIGTERM, then SIGKILL after 15 s
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}
cleanup() {
  [ -n "${API_PID:-}" ] && stop "$API_PID"
  [ -n "${REDIS_PID:-}" ] && stop "$REDIS_PID"
  return 0
}
trap cleanup EXIT

for port in "$API_PORT" "$REDIS_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    log "port $port is already in use; stop what listens there or set BENCH_API_PORT / BENCH_REDIS_PORT"; exit 1
  fi
done

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --logfile "$OUT/redis.log" &
REDIS_PID=$!

launch() { # database java-arguments...: starts the API, waits for its first served request, sets API_PID and STARTUP_MS
  local database=$1 started
  shift
  started=$(date +%s%N)
  # shellcheck disable=SC2086
  # No shutdown drain: no load balancer waits for this instance's readiness.
  API_PORT=$API_PORT REDIS_PORT=$REDIS_PORT DATABASE_URL="jdbc:sqlite:$database" API_SHUTDOWN_DRAIN_SECONDS=0 \
    java @jvm.options $JVM_OPTS "$@" --product-api.benchmark-endpoint=true $EXTRA_SETTINGS > "$OUT/api.log" 2>&1 &
  API_PID=$!
  until curl -sf -o /dev/null "$BASE/products/00000000-0000-4000-8000-000000000001"; do
    kill -0 "$API_PID" 2>/dev/null || { log "the API died:"; tail -20 "$OUT/api.log"; exit 1; }
    sleep 0.02
  done
  STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}

median_startup() { # label java-arguments...: launches and stops the API STARTUP_REPEATS times, prints the median ms
  local label=$1 i times=()
  shift
  for (( i = 1; i <= STARTUP_REPEATS; i++ )); do
    launch "$OUT/startup-$label-$i.db" "$@"
    times+=("$STARTUP_MS")
    stop "$API_PID"; API_PID=
  done
  log "$label: first request served after ${times[*]} ms"
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (STARTUP_REPEATS + 1) / 2 ))p"
}

# The API runs as the Docker image runs it: the extracted jar with an AOT cache from a training
# run. Start-up is timed from launch to the first served request, for the plain jar too.
java -Djarmode=tools -jar target/product-api.jar extract --destination "$OUT/app" > /dev/null
log "training the AOT cache"
# shellcheck disable=SC2086
TRAINING_PORT=$API_PORT bin/train-aot-cache "$OUT/app" @jvm.options $JVM_OPTS > /dev/null
AOT=(-XX:AOTCache="$OUT/app/app.aot" -jar "$OUT/app/product-api.jar")
PLAIN_STARTUP_MS=$(median_startup plain-jar -jar target/product-api.jar)
AOT_STARTUP_MS=$(median_startup aot-cache "${AOT[@]}")
log "starting the API (@jvm.options $JVM_OPTS, AOT cache)"
launch "$OUT/bench.db" "${AOT[@]}"

log "loading $PRODUCTS products"
batch=50000
for (( from = 1; from <= PRODUCTS; from += batch )); do
  to=$(( from + batch - 1 < PRODUCTS ? from + batch - 1 : PRODUCTS ))
  sqlite3 -cmd ".timeout 10000" "$OUT/bench.db" "
    WITH RECURSIVE n(i) AS (SELECT $from UNION ALL SELECT i + 1 FROM n WHERE i < $to)
    INSERT INTO products (id, name, description, price_cents, stock_quantity)
    SELECT printf('10000000-0000-4000-8000-%012x', i), 'Product ' || i, 'Benchmark product number ' || i,
           100 + i % 10000, i % 500 FROM n;"
  done_pct=$(( to * 100 / PRODUCTS ))
  printf '\r  [%-50s] %3d%% %d/%d' "$(printf '#%.0s' $(seq 1 $(( done_pct / 2 ))))" "$done_pct" "$to" "$PRODUCTS" >&2
done
echo >&2

metric() { # sum of product_cache_requests_total for a result
  curl -s "$BASE/actuator/prometheus" | awk -v r="result=\"$1\"" 'index($0, "product_cache_requests_total{") == 1 && index($0, r) { s += $2 } END { printf "%d", s }'
}
lookups() { echo $(( $(metric hit) + $(metric miss) + $(metric bypass) + $(metric error) )); }
rss_mb() { echo $(( $(ps -o rss= -p "$API_PID") / 1024 )); }

RAW="$OUT/raw.csv"
echo "scenario,connections,repeat,rps,p50_ms,p99_ms,p999_ms,requests,non2xx,socket_errors,hit_ratio,rss_mb" > "$RAW"

run() { # scenario script connections repeat
  local scenario=$1 script=$2 connections=$3 repeat=$4
  local hits0 total0 hits1 total1 line ratio
  hits0=$(metric hit); total0=$(lookups)
  line=$(BENCH_PRODUCTS=$PRODUCTS wrk -t2 -c"$connections" -d"${DURATION}s" --timeout 5s -s "bench/scripts/$script.lua" "$BASE" | grep '^RESULT')
  hits1=$(metric hit); total1=$(lookups)
  ratio=$(python3 -c "print(f'{($hits1-$hits0)/max(1,$total1-$total0):.3f}')")
  record "$scenario" "$connections" "$repeat" "$line" "$ratio"
}

record() { # scenario connections repeat RESULT-line hit-ratio
  local values
  values=$(echo "$4" | sed -E 's/RESULT //; s/[a-z0-9_]+=//g; s/ /,/g')
  echo "$1,$2,$3,$values,$5,$(rss_mb)" >> "$RAW"
  log "$1 c=$2 #$3: $(echo "$4" | sed 's/RESULT //') hit_ratio=$5 rss=$(rss_mb)MB"
}

# (c) hit ratio over time: each second's hits over that second's lookups, both read from
# one scrape so that they describe the same instant.
scrape() {
  curl -s "$BASE/actuator/prometheus" | awk 'index($0, "product_cache_requests_total{") == 1 {
      t += $2; if (index($0, "result=\"hit\"")) h += $2 } END { printf "%d %d", h, t }'
}
sample_hit_ratio() {
  set +e
  local start h0 t0 h t elapsed
  start=$(date +%s%N)
  read -r h0 t0 < <(scrape)
  while :; do
    sleep 1
    read -r h t < <(scrape)
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    [ "$elapsed" -gt $(( DURATION * 1000 )) ] && break
    python3 -c "print(f'{$elapsed / 1000:.1f} {($h - $h0) / max(1, $t - $t0):.3f}')"
    h0=$h; t0=$t
  done
}

# The JIT needs a while on two shared cores; figures before that measure the compiler.
log "warming up (${WARMUP}s)"
BENCH_PRODUCTS=$PRODUCTS wrk -t2 -c64 -d"$(( WARMUP * 2 / 3 ))s" -s bench/scripts/uniform.lua "$BASE" > /dev/null
BENCH_PRODUCTS=$PRODUCTS wrk -t2 -c64 -d"$(( WARMUP / 3 ))s" -s bench/scripts/constant.lua "$BASE" > /dev/null

for connections in $CONNECTIONS; do
  for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
    run "f-constant" constant "$connections" "$repeat"
    run "a-hot" hot "$connections" "$repeat"
    run "b-uniform" uniform "$connections" "$repeat"
    redis-cli -p "$REDIS_PORT" flushall > /dev/null
    if [ "$repeat" = 1 ] && [ "$connections" = 64 ]; then
      sample_hit_ratio > "$OUT/zipf-hit-ratio.dat" &
      sampler=$!
    fi
    run "c-zipf-cold" zipf "$connections" "$repeat"
    if [ -n "${sampler:-}" ]; then wait "$sampler" || true; sampler=; fi
    run "d-mixed-95-5" mixed "$connections" "$repeat"
  done
done

log "fixed rate: $RATE requests/s for ${DURATION}s, latency measured from each request's due time"
for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
  record "b-uniform@${RATE}rps" 0 "$repeat" \
    "$(java bench/FixedRate.java "$BASE/products/10000000-0000-4000-8000-%012x" "$RATE" "$DURATION" 64 "$PRODUCTS" | grep '^RESULT')" "-"
  record "f-constant@${RATE}rps" 0 "$repeat" \
    "$(java bench/FixedRate.java "$BASE/bench/constant" "$RATE" "$DURATION" 64 "$PRODUCTS" | grep '^RESULT')" "-"
done

log "(e) Redis down"
kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=
for connections in $CONNECTIONS; do
  for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
    run "e-redis-down" uniform "$connections" "$repeat"
  done
done

log "writing $RESULTS/$LABEL.md"
cp "$OUT/zipf-hit-ratio.dat" "$RESULTS/$LABEL-zipf.dat"
python3 bench/report.py "$RAW" "$OUT/zipf-hit-ratio.dat" "$RESULTS/$LABEL" \
  --products "$PRODUCTS" --duration "$DURATION" --repeats "$REPEATS" --startup-ms "$AOT_STARTUP_MS" \
  --plain-startup-ms "$PLAIN_STARTUP_MS" --startup-repeats "$STARTUP_REPEATS" --jvm "@jvm.options $JVM_OPTS $EXTRA_SETTINGS" --near "$NEAR" --java "$(java -version 2>&1 | head -1)"
gnuplot -e "data='$RESULTS/$LABEL.dat'; zipf='$RESULTS/$LABEL-zipf.dat'; out='$RESULTS/$LABEL.png'" bench/plot.gp
log "done: $RESULTS/$LABEL.md, $RESULTS/$LABEL.png"
