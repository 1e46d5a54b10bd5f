#!/usr/bin/env bash
# The Product API benchmark: one command, rerunnable anywhere with Debian/Ubuntu tools.
#
#   bench/run.sh                                        # 10,000 products, SQLite, one Redis
#   BENCH_PRODUCTS=1000000 BENCH_DATABASE=postgres BENCH_SCENARIOS=i bench/run.sh
#   BENCH_TOPOLOGY=sentinel BENCH_SCENARIOS=failover bench/run.sh
#
# It builds the API, starts it on its own ports with its own Redis topology and a fresh
# database, loads the products, drives each selected scenario with wrk over loopback, runs
# the selected special modes (write latency, failover, cold start), and writes
# bench/results/<label>.md and its pictures. bench/README.md lists every option and scenario.
set -Eeuo pipefail
# A failed command ends the run: say which, since set -e alone exits without a word.
trap 'echo "[bench] failed (exit $?) at ${BASH_SOURCE[0]}:$LINENO: $BASH_COMMAND" >&2' ERR
cd "$(dirname "$0")/.."

PRODUCTS=${BENCH_PRODUCTS:-10000}
DURATION=${BENCH_DURATION:-10}
REPEATS=${BENCH_REPEATS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-"64 256"}
RATE=${BENCH_RATE:-2000}
API_PORT=${BENCH_API_PORT:-18080}
REDIS_BASE_PORT=${BENCH_REDIS_PORT:-16379}   # the first port tried for Redis; the others follow
JVM_OPTS=${BENCH_JVM_OPTS:-"-Xmx256m"}       # added to jvm.options, which the Docker image uses too
EXTRA_SETTINGS=${BENCH_SETTINGS:-}           # --name=value arguments for the API
NEAR=$([[ "$EXTRA_SETTINGS" == *CACHE_NEAR_ENABLED=true* ]] && echo on || echo off)
WARMUP=${BENCH_WARMUP:-30}
STARTUP_REPEATS=${BENCH_STARTUP_REPEATS:-3}
TOPOLOGY=${BENCH_TOPOLOGY:-single}
DATABASE=${BENCH_DATABASE:-sqlite}
DEFAULT_SCENARIOS="startup f a n h b g c d i fixed e coldstart"
SCENARIOS=${BENCH_SCENARIOS:-$DEFAULT_SCENARIOS}
WRITE_RATE=${BENCH_WRITE_RATE:-200}
FAILOVER_REPEATS=${BENCH_FAILOVER_REPEATS:-3}
FAILOVER_RATE=${BENCH_FAILOVER_RATE:-200}
FAILOVER_LOAD_SECONDS=${BENCH_FAILOVER_LOAD_SECONDS:-20}
FAILOVER_TIMEOUT=${BENCH_FAILOVER_TIMEOUT:-60}
COLDSTART_SECONDS=${BENCH_COLDSTART_SECONDS:-30}
COLDSTART_JAR=${BENCH_COLDSTART_JAR:-plain}   # plain: java -jar, as the README runs it; aot: as the image
STEADY_WARMUP=${BENCH_STEADY_WARMUP:-60}
STEADY_SECONDS=${BENCH_STEADY_SECONDS:-10}
REUSE_BUILD=${BENCH_REUSE_BUILD:-0}
OUT=$PWD/bench/out                 # absolute: redis-server changes into its own directory
RESULTS=${BENCH_RESULTS:-bench/results}   # where the .md, .dat and .png go
DATE=$(date -u +%F)
BASE="http://127.0.0.1:$API_PORT"

# shellcheck source=bench/lib/common.sh
source bench/lib/common.sh
# shellcheck source=bench/lib/topology.sh
source bench/lib/topology.sh
# shellcheck source=bench/lib/database.sh
source bench/lib/database.sh
# shellcheck source=bench/lib/api.sh
source bench/lib/api.sh
# shellcheck source=bench/lib/failover.sh
source bench/lib/failover.sh
# shellcheck source=bench/lib/coldstart.sh
source bench/lib/coldstart.sh
# shellcheck source=bench/lib/nginx.sh
source bench/lib/nginx.sh

selected() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# --- options -----------------------------------------------------------------------------

for scenario in $SCENARIOS; do
  [[ " startup a b c d e f g h i n fixed writes failover coldstart " == *" $scenario "* ]] \
    || die "unknown scenario '$scenario' in BENCH_SCENARIOS: use startup, a to i, n, fixed, writes, failover, coldstart"
done
[[ " single sentinel cluster " == *" $TOPOLOGY "* ]] || die "BENCH_TOPOLOGY is '$TOPOLOGY': use single, sentinel or cluster"
[[ " sqlite postgres " == *" $DATABASE "* ]] || die "BENCH_DATABASE is '$DATABASE': use sqlite or postgres"
if selected failover && [ "$TOPOLOGY" = single ]; then
  die "the failover scenario needs a replica to promote: BENCH_TOPOLOGY=sentinel or cluster"
fi

# A default label names what differs from the default run, so runs do not overwrite each other.
default_label() {
  local label=$DATE
  [ "$TOPOLOGY" = single ] || label+="-$TOPOLOGY"
  [ "$DATABASE" = sqlite ] || label+="-$DATABASE"
  case $PRODUCTS in
    10000) ;;
    *000000) label+="-$(( PRODUCTS / 1000000 ))m" ;;
    *000) label+="-$(( PRODUCTS / 1000 ))k" ;;
    *) label+="-$PRODUCTS" ;;
  esac
  [ -z "${BENCH_SCENARIOS:-}" ] || label+="-$(echo "$SCENARIOS" | xargs | tr ' ' '+')"
  echo "$label"
}
LABEL=${BENCH_LABEL:-$(default_label)}

# Everything but start-up timing runs against one API on the loaded database.
NEEDS_API=0
for scenario in $SCENARIOS; do [ "$scenario" = startup ] || NEEDS_API=1; done

# --- tools and build ---------------------------------------------------------------------

need wrk wrk
need sqlite3 sqlite3
need gnuplot gnuplot-nox
need redis-server redis-server
need redis-cli redis-tools
need python3 python3
if selected n; then need nginx nginx-light; fi
database_check

if [ -d /usr/lib/jvm/temurin-25-jdk-amd64 ] && [ -z "${JAVA_HOME:-}" ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
[ -n "${JAVA_HOME:-}" ] && export PATH="$JAVA_HOME/bin:$PATH"

# The API runs as the Docker image runs it: the extracted jar with an AOT cache from a
# training run. BENCH_REUSE_BUILD=1 keeps the jar and cache of the previous run (for short
# smoke runs) when they were trained with the same JVM options; the JVM ignores a cache
# trained under other options.
AOT=(-XX:AOTCache="$OUT/app/app.aot" -jar "$OUT/app/product-api.jar")
case $COLDSTART_JAR in
  plain) COLDSTART_LAUNCH=(-jar target/product-api.jar) ;;
  aot) COLDSTART_LAUNCH=("${AOT[@]}") ;;
  *) die "BENCH_COLDSTART_JAR is plain or aot, not '$COLDSTART_JAR'" ;;
esac
if [ "$REUSE_BUILD" = 1 ] && [ -f "$OUT/app/app.aot" ] && [ "$(cat "$OUT/app/trained-with" 2>/dev/null)" = "$JVM_OPTS" ]; then
  log "reusing the jar and AOT cache in $OUT/app (BENCH_REUSE_BUILD=1)"
  find "$OUT" -mindepth 1 -maxdepth 1 ! -name app -exec rm -rf {} +
  mkdir -p "$RESULTS"
else
  rm -rf "$OUT" && mkdir -p "$OUT" "$RESULTS"
  log "building"
  ./mvnw -q -DskipTests package
  java -Djarmode=tools -jar target/product-api.jar extract --destination "$OUT/app" > /dev/null
  log "training the AOT cache"
  # shellcheck disable=SC2086
  TRAINING_PORT=$API_PORT bin/train-aot-cache "$OUT/app" @jvm.options $JVM_OPTS > /dev/null
  echo "$JVM_OPTS" > "$OUT/app/trained-with"
fi

# --- what runs, and its clean-up ---------------------------------------------------------

LOAD_PID=
cleanup() {
  set +e
  [ -n "$LOAD_PID" ] && stop "$LOAD_PID"
  stop_api
  nginx_stop
  topology_stop
  database_drop_all
  return 0
}
trap cleanup EXIT
# Ctrl-C: background servers ignore SIGINT in a script, so exit through the EXIT trap, which
# stops them by their ids.
trap 'log "interrupted"; exit 130' INT TERM

listening "$API_PORT" && die "port $API_PORT is already in use; stop what listens there or set BENCH_API_PORT"
log "label $LABEL: topology $TOPOLOGY, database $DATABASE, $PRODUCTS products, scenarios: $SCENARIOS"
topology_start
DB_NAME=$(database_name "$LABEL")

# --- start-up: launch -> readiness UP, without the API's warm-up, each on a fresh database ---

# Not run in $(...): the API it starts and the database it creates must stay known to the
# clean-up of this shell if the run is interrupted meanwhile.
median_startup() { # variable label java-arguments...: launches and stops the API STARTUP_REPEATS times; the median ms
  local variable=$1 label=$2 i name times=()
  shift 2
  for (( i = 1; i <= STARTUP_REPEATS; i++ )); do
    name=$(database_name "${LABEL}_start_${label}_$i")
    database_create "$name"
    launch "$DB_URL" "$@"
    times+=("$STARTUP_MS")
    stop_api
    database_drop "$name"
  done
  log "$label: ready after ${times[*]} ms"
  printf -v "$variable" '%s' "$(median "${times[@]}")"
}
PLAIN_STARTUP_MS=-
AOT_STARTUP_MS=-
if selected startup; then
  # Start-up alone: the warm-up (timed by the cold-start mode) would add its own seconds.
  median_startup PLAIN_STARTUP_MS plain-jar -jar target/product-api.jar --API_WARMUP_SECONDS=0
  median_startup AOT_STARTUP_MS aot-cache "${AOT[@]}" --API_WARMUP_SECONDS=0
fi

# --- the API on the loaded database ------------------------------------------------------

# Products 1..N go straight into the database after the API has created the schema. For the
# list scenario, a few hundred products at random positions go first, and walking them with
# limit=1 collects one page cursor at each (bench/cursors.py); then the rest is loaded.
load_products() {
  if selected i; then
    local markers
    mapfile -t markers < <(shuf -i 1-"$PRODUCTS" -n $(( PRODUCTS < 300 ? PRODUCTS : 300 )) | sort -n)
    insert_list "$DB_NAME" "${markers[@]}"
    log "list cursors: $(python3 bench/cursors.py "$BASE" "$OUT/cursors.txt") collected"
    export BENCH_CURSORS="$OUT/cursors.txt"
  fi
  log "loading $PRODUCTS products into $DATABASE"
  database_load "$DB_NAME" "$PRODUCTS"
}

if [ "$NEEDS_API" = 1 ]; then
  database_create "$DB_NAME"
  log "starting the API (@jvm.options $JVM_OPTS, AOT cache, $DATABASE, $TOPOLOGY)"
  launch "$DB_URL" "${AOT[@]}"
  load_products
  if selected n; then nginx_start; fi
fi
export BENCH_PRODUCTS=$PRODUCTS
echo "$RAW_HEADER" > "$RAW"

# --- throughput scenarios, wrk, closed loop ----------------------------------------------

# letter, name in the results, wrk script; in the order they run within a repeat, each
# repeat beside its own reference run (f).
SCENARIO_TABLE=(
  "f f-constant constant"
  "a a-hot hot"
  "n n-nginx hot"
  "h h-not-modified not_modified"
  "b b-uniform uniform"
  "g g-batch-20 batch"
  "c c-zipf-cold zipf"
  "d d-mixed-95-5 mixed"
  "i i-list-page list"
  "i i-list-first list_first"
)
THROUGHPUT=0
for letter in a b c d f g h i n; do selected "$letter" && THROUGHPUT=1; done

# (c) hit ratio over time: each second's hits over that second's lookups.
sample_hit_ratio() {
  set +e
  local start h0 t0 h t elapsed
  start=$(now_ms)
  read -r h0 t0 _ < <(scrape)
  while :; do
    sleep 1
    read -r h t _ < <(scrape)
    elapsed=$(( $(now_ms) - start ))
    [ "$elapsed" -gt $(( DURATION * 1000 )) ] && break
    python3 -c "print(f'{$elapsed / 1000:.1f} {($h - $h0) / max(1, $t - $t0):.3f}')"
    h0=$h; t0=$t
  done
}

warm() { # seconds script: a closed-loop run whose figures are thrown away
  [ "$1" -gt 0 ] && wrk -t2 -c64 -d"$1s" -s "bench/scripts/$2.lua" "$BASE" > /dev/null
  return 0
}

hot_etag() { # the current ETag of the hot product, for If-None-Match
  curl -s -D - -o /dev/null "$BASE/products/10000000-0000-4000-8000-000000000001" | tr -d '\r' \
    | awk -F': ' 'tolower($1) == "etag" { print $2 }'
}

: > "$OUT/zipf-hit-ratio.dat"
if [ "$THROUGHPUT" = 1 ] || selected fixed || selected e || selected writes; then
  # The JIT needs a while on two shared cores; figures before that measure the compiler.
  # Uniform reads also fill the cache for (b); the batch and list paths get their own share.
  log "warming up (${WARMUP}s, plus $(( WARMUP / 3 ))s for each of the batch and list scenarios selected)"
  warm $(( WARMUP * 2 / 3 )) uniform
  warm $(( WARMUP / 3 )) constant
  if selected g; then warm $(( WARMUP / 3 )) batch; fi
  if selected i; then warm $(( WARMUP / 3 )) list; fi
fi

if [ "$THROUGHPUT" = 1 ]; then
  for connections in $CONNECTIONS; do
    for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
      for entry in "${SCENARIO_TABLE[@]}"; do
        read -r letter name script <<< "$entry"
        selected "$letter" || continue
        sampler=
        TARGET=$BASE
        case $letter in
          n) TARGET=$NGINX_BASE ;;
          h) BENCH_ETAG=$(hot_etag); export BENCH_ETAG ;;
          c)
            topology_flushall
            if [ "$repeat" = 1 ] && [ "$connections" = "${CONNECTIONS%% *}" ]; then
              sample_hit_ratio > "$OUT/zipf-hit-ratio.dat" &
              sampler=$!
            fi ;;
        esac
        run "$name" "$script" "$connections" "$repeat"
        if [ -n "$sampler" ]; then wait "$sampler" || true; fi
      done
    done
  done
fi

# --- fixed rate: latency from each request's due time ------------------------------------

if selected fixed; then
  log "fixed rate: $RATE requests/s for ${DURATION}s, latency measured from each request's due time"
  for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
    record "b-uniform@${RATE}rps" 0 "$repeat" \
      "$(java bench/FixedRate.java "$BASE/products/10000000-0000-4000-8000-%012x" "$RATE" "$DURATION" 64 "$PRODUCTS" | grep '^RESULT')" "-"
    record "f-constant@${RATE}rps" 0 "$repeat" \
      "$(java bench/FixedRate.java "$BASE/bench/constant" "$RATE" "$DURATION" 64 "$PRODUCTS" | grep '^RESULT')" "-"
  done
fi

# --- write latency: PUTs alone at a low fixed rate ---------------------------------------

# On a topology with replicas every PUT's DEL is followed by WAIT (the failover protection,
# product-api.redis.replica-acknowledgement, on by default); BENCH_SETTINGS=
# --product-api.redis.replica-acknowledgement=false turns it off. The masters' WAIT count,
# per PUT, shows which of the two a run measured.
WRITES_CSV="$OUT/writes.csv"
if selected writes; then
  log "write latency: $WRITE_RATE PUT/s for ${DURATION}s, latency measured from each request's due time"
  echo "repeat,rate,p50_ms,p99_ms,p999_ms,requests,failures,waits,waits_per_put" > "$WRITES_CSV"
  # The write path has its own code to compile: PUTs at the same rate first, not measured.
  if [ $(( WARMUP / 3 )) -gt 0 ]; then
    java bench/FixedRate.java "$BASE/products/10000000-0000-4000-8000-%012x" "$WRITE_RATE" $(( WARMUP / 3 )) 32 "$PRODUCTS" \
      PUT '{"stock_quantity": %d}' > /dev/null
  fi
  for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
    waits0=$(topology_wait_calls)
    # 32 connections: enough that a few slow PUTs do not hold up the ones due after them
    line=$(java bench/FixedRate.java "$BASE/products/10000000-0000-4000-8000-%012x" "$WRITE_RATE" "$DURATION" 32 "$PRODUCTS" \
      PUT '{"stock_quantity": %d}' | grep '^RESULT')
    waits=$(( $(topology_wait_calls) - waits0 ))
    requests=$(field_of "$line" requests)
    echo "$repeat,$WRITE_RATE,$(field_of "$line" p50_ms),$(field_of "$line" p99_ms),$(field_of "$line" p999_ms),$requests,$(field_of "$line" non2xx),$waits,$(ratio "$waits" "$requests")" >> "$WRITES_CSV"
    log "PUT @${WRITE_RATE}/s #$repeat: ${line#RESULT } WAITs=$waits"
  done
fi

# --- (e) Redis down: every data node stopped ---------------------------------------------

if selected e; then
  log "(e) Redis down: stopping every data node"
  topology_stop_data_nodes
  # Every read now takes the database path through the open breaker: compile it first.
  warm $(( WARMUP / 3 )) uniform
  # Each repeat beside a reference run (f) of its own, which needs no Redis: the ratios of
  # (e) to (f) then compare runs made seconds apart. Their repeats are named e1, e2, ... so
  # that the pairs stay apart from the throughput scenarios' pairs.
  for connections in $CONNECTIONS; do
    for (( repeat = 1; repeat <= REPEATS; repeat++ )); do
      run "f-constant" constant "$connections" "e$repeat"
      run "e-redis-down" uniform "$connections" "e$repeat"
    done
  done
fi

# --- special modes -----------------------------------------------------------------------

if selected coldstart; then coldstart_mode; fi
if selected failover; then failover_mode; fi

# --- results -----------------------------------------------------------------------------

stop_api
log "writing $RESULTS/$LABEL.md"
report_args=()
[ -s "$OUT/zipf-hit-ratio.dat" ] && cp "$OUT/zipf-hit-ratio.dat" "$RESULTS/$LABEL-zipf.dat" && report_args+=(--zipf "$OUT/zipf-hit-ratio.dat")
[ -f "$WRITES_CSV" ] && report_args+=(--writes "$WRITES_CSV")
[ -f "$FAILOVER_CSV" ] && report_args+=(--failover "$FAILOVER_CSV")
if [ -f "$COLDSTART_CSV" ]; then
  cp "$COLDSTART_DAT" "$RESULTS/$LABEL-coldstart.dat"
  report_args+=(--coldstart "$COLDSTART_CSV" --coldstart-steady "$OUT/coldstart-steady.txt")
fi
case $DATABASE in
  sqlite) DATABASE_DESCRIPTION="SQLite, a fresh file in $OUT/" ;;
  postgres) DATABASE_DESCRIPTION="PostgreSQL $(pg -d postgres -tAc 'SHOW server_version' | cut -d' ' -f1) at $PG_HOST:$PG_PORT, database $DB_NAME (created for the run, dropped after)" ;;
esac
python3 bench/report.py "$RAW" "$RESULTS/$LABEL" "${report_args[@]}" \
  --products "$PRODUCTS" --duration "$DURATION" --repeats "$REPEATS" --startup-ms "$AOT_STARTUP_MS" \
  --plain-startup-ms "$PLAIN_STARTUP_MS" --startup-repeats "$STARTUP_REPEATS" --jvm="@jvm.options $JVM_OPTS" \
  --settings="$EXTRA_SETTINGS" --near "$NEAR" --java "$(java -version 2>&1 | sed -n 1p)" \
  --topology "$(topology_describe)" --database "$DATABASE_DESCRIPTION" --scenarios "$SCENARIOS" \
  --write-rate "$WRITE_RATE" --failover-rate "$FAILOVER_RATE" --coldstart-seconds "$COLDSTART_SECONDS" \
  --coldstart-launch "java @jvm.options $JVM_OPTS ${COLDSTART_LAUNCH[*]}" \
  --steady "${STEADY_WARMUP}s warm-up, ${STEADY_SECONDS}s measured"
if [ -f "$RESULTS/$LABEL.dat" ]; then
  zipf=
  if [ -s "$RESULTS/$LABEL-zipf.dat" ]; then zipf="$RESULTS/$LABEL-zipf.dat"; fi
  gnuplot -e "data='$RESULTS/$LABEL.dat'; zipf='$zipf'; out='$RESULTS/$LABEL.png'; conns='$CONNECTIONS'" bench/plot.gp
fi
if [ -f "$RESULTS/$LABEL-coldstart.dat" ]; then
  read -r _ steady_line < "$OUT/coldstart-steady.txt"
  gnuplot -e "data='$RESULTS/$LABEL-coldstart.dat'; out='$RESULTS/$LABEL-coldstart.png'; steady_rps=$(field_of "$steady_line" rps); steady_p99=$(field_of "$steady_line" p99_ms); steady_hit=$(field_of "$steady_line" hit_ratio | sed 's/^-$/1/')" bench/coldstart.gp
fi
log "done: $(find "$RESULTS" -maxdepth 1 -name "$LABEL.*" -o -maxdepth 1 -name "$LABEL-*" | sort | tr '\n' ' ')"
