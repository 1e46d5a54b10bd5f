# shellcheck shell=bash
# Starting the API as the Docker image runs it, reading its metrics, and recording wrk runs.
# Sourced by run.sh; expects OUT, BASE, API_PORT, JVM_OPTS, EXTRA_SETTINGS, API_REDIS_ENV
# (topology.sh), and common.sh.

API_PID=
RAW="$OUT/raw.csv"

# Starts the API on a database and returns at once; API_PID is its process. The variables
# that say where Redis is come from the topology alone: any REDIS_* in the caller's
# environment would contradict them and stop start-up.
start_api() { # database-url java-arguments...
  local database=$1
  shift
  echo "=== $(date -u +%T) launch: DATABASE_URL=$database ${API_REDIS_ENV[*]} java $* $EXTRA_SETTINGS" >> "$OUT/api.log"
  # shellcheck disable=SC2086 # JVM_OPTS and EXTRA_SETTINGS are lists of words
  env -u REDIS_URL -u REDIS_HOST -u REDIS_PORT -u REDIS_CLUSTER_NODES -u REDIS_SENTINEL_MASTER -u REDIS_SENTINEL_NODES \
    API_PORT="$API_PORT" DATABASE_URL="$database" API_SHUTDOWN_DRAIN_SECONDS=0 "${API_REDIS_ENV[@]}" \
    java @jvm.options $JVM_OPTS "$@" --product-api.benchmark-endpoint=true $EXTRA_SETTINGS >> "$OUT/api.log" 2>&1 &
  API_PID=$!
}

# Polls a URL every 10 ms until it answers 200; fails if the API dies first.
await_api() { # url
  until curl -sf -o /dev/null "$1"; do
    kill -0 "$API_PID" 2>/dev/null || { log "the API died:"; tail -20 "$OUT/api.log" >&2; exit 1; }
    sleep 0.01
  done
}

# Starts the API and waits until its readiness is UP, when a load balancer would route to it
# (after the API's own warm-up, API_WARMUP_SECONDS): sets STARTUP_MS.
launch() { # database-url java-arguments...
  local started
  started=$(now_ms)
  start_api "$@"
  await_api "$BASE/actuator/health/readiness"
  STARTUP_MS=$(( $(now_ms) - started ))
}

stop_api() { stop "$API_PID"; API_PID=; }

prometheus() { curl -s "$BASE/actuator/prometheus"; }

# Hits, all lookups, and bypasses (Redis skipped: the circuit breaker was open, or the key's
# invalidation pending), from one scrape, so that they describe the same instant.
scrape() {
  prometheus | awk 'index($0, "product_cache_requests_total{") == 1 {
      t += $2; if (index($0, "result=\"hit\"")) h += $2; if (index($0, "result=\"bypass\"")) b += $2 }
    END { printf "%d %d %d\n", h, t, b }'
}

# Responses to GET /products/{id}: those with status 304, then all of them.
not_modified_count() {
  prometheus | awk 'index($0, "http_server_requests_seconds_count{") == 1 && index($0, "uri=\"/products/{id}\"") && index($0, "method=\"GET\"") {
      t += $2; if (index($0, "status=\"304\"")) n += $2 } END { printf "%d %d\n", n, t }'
}

# Invalidating deletes whose replicas did not acknowledge them in time, then all of them.
late_deletes() {
  prometheus | awk 'index($0, "product_cache_deletes_total{") == 1 {
      t += $2; if (index($0, "result=\"replicas_late\"")) l += $2 } END { printf "%d %d\n", l, t }'
}

rss_mb() { echo $(( $(ps -o rss= -p "$API_PID") / 1024 )); }

ratio() { # numerator denominator: 3 decimals, "-" when nothing was counted
  python3 -c "print('-' if $2 <= 0 else f'{$1 / $2:.3f}')"
}

RAW_HEADER="scenario,connections,repeat,rps,p50_ms,p99_ms,p999_ms,requests,non2xx,socket_errors,hit_ratio,rss_mb,share_304,bypass_ratio"

# One wrk run of a scenario against TARGET (the API unless set), with the hit ratio of its
# cache lookups (and, for (h), the share of 304 answers) read from the API's metrics around it.
run() { # scenario script connections repeat
  local scenario=$1 script=$2 connections=$3 repeat=$4 h0 t0 b0 h1 t1 b1 n0 a0 n1 a1 l0 d0 l1 d1 line
  read -r h0 t0 b0 < <(scrape)
  read -r n0 a0 < <(not_modified_count)
  read -r l0 d0 < <(late_deletes)
  line=$(wrk -t2 -c"$connections" -d"${DURATION}s" --timeout 5s -s "bench/scripts/$script.lua" "${TARGET:-$BASE}" | grep '^RESULT') \
    || die "wrk printed no result for $scenario (is the API still up? $OUT/api.log)"
  read -r h1 t1 b1 < <(scrape)
  read -r n1 a1 < <(not_modified_count)
  read -r l1 d1 < <(late_deletes)
  record "$scenario" "$connections" "$repeat" "$line" "$(ratio $(( h1 - h0 )) $(( t1 - t0 )))" \
    "$([ "$scenario" = h-not-modified ] && ratio $(( n1 - n0 )) $(( a1 - a0 )) || echo -)" "$(ratio $(( b1 - b0 )) $(( t1 - t0 )))" \
    "$([ $(( d1 - d0 )) -gt 0 ] && echo "$(( l1 - l0 ))/$(( d1 - d0 ))" || echo -)"
}

field_of() { # RESULT-line name: one value of a wrk or FixedRate result line
  echo "$1" | tr ' ' '\n' | awk -F= -v n="$2" '$1 == n { print $2 }'
}

record() { # scenario connections repeat RESULT-line hit-ratio [share-304 [bypass-ratio [late-deletes]]]
  local values rss
  values=$(echo "$4" | sed -E 's/RESULT //; s/[a-z0-9_]+=//g; s/ /,/g')
  rss=$(rss_mb)
  echo "$1,$2,$3,$values,$5,$rss,${6:--},${7:--}" >> "$RAW"
  log "$1 c=$2 #$3: ${4#RESULT } hit_ratio=$5$([ "${6:--}" = - ] || echo " share_304=$6")$([ "${7:--}" = - ] || echo " bypass=$7")$([ "${8:--}" = - ] || echo " replicas_late=$8") rss=${rss}MB"
}
