# shellcheck shell=bash
# BENCH_SCENARIOS=failover (sentinel or cluster): how long a master's crash costs.
#
# Each repeat starts a fresh topology and API, caches one product, and puts a light read
# load on the API (FixedRate, BENCH_FAILOVER_RATE GETs/s of uniform ids). Then it kills the
# master that holds the product's key with SIGKILL and measures, from the kill:
#   writable  the replica, promoted, accepts a write (a SET polled every ~10 ms with
#             redis-cli on a key of the product's slot);
#   fresh hit the API serves the product from the cache again with the version that a PUT
#             sent right after the kill wrote (GET polled every ~10 ms; before that it answers
#             BYPASS while the invalidation is pending, then MISS, then HIT).
# A HIT with an older version would be a stale read after the failover: counted, and it
# should stay 0. Sourced by run.sh.

FAILOVER_CSV="$OUT/failover.csv"

failover_mode() {
  local r
  echo "repeat,killed_port,new_master_port,writable_ms,fresh_hit_ms,first_miss_ms,put_status,put_ms,stale_hits,bypassed,unanswered,load_rps,load_p99_ms,load_failures" > "$FAILOVER_CSV"
  for (( r = 1; r <= FAILOVER_REPEATS; r++ )); do
    failover_once "$r"
  done
  stop_api
}

failover_once() { # repeat
  local r=$1 number id key master replica pid t0 load_pid probe writable hit result load
  local put_status put_ms first_miss stale bypassed unanswered
  log "failover #$r: a fresh topology and API"
  stop_api
  topology_stop
  topology_start
  start_api "$DB_URL" "${AOT[@]}"
  await_api "$BASE/actuator/health/readiness"

  # A product of its own per repeat, cached (MISS, then HIT) on the master that will die.
  number=$(( r + 1 ))
  id=$(printf '10000000-0000-4000-8000-%012x' "$number")
  key="product:$id"
  curl -sf -o /dev/null "$BASE/products/$id"
  [ "$(cache_status "$id")" = HIT ] || die "failover: product $id is not cached after two reads"
  master=$(topology_master_for "$key")
  replica=$(topology_replica_of "$master")
  pid=$(topology_pid_of "$master")
  { [ -n "$replica" ] && [ -n "$pid" ]; } || die "failover: no replica or process found for master :$master"
  # A probe key in the product's slot (the hash tag is the product's key), so that on a Cluster
  # the write goes to the slot whose master failed.
  probe="bench-probe{$key}"

  java bench/FixedRate.java "$BASE/products/10000000-0000-4000-8000-%012x" "$FAILOVER_RATE" "$FAILOVER_LOAD_SECONDS" 8 "$PRODUCTS" \
    > "$OUT/failover-load-$r.txt" 2>&1 &
  load_pid=$!
  LOAD_PID=$load_pid
  # FixedRate leaves its first fifth out of its figures: kill the master after that.
  # (its JVM takes a second or two to start sending)
  sleep $(( FAILOVER_LOAD_SECONDS / 5 + 3 ))

  t0=$(now_ms)
  kill -9 "$pid"
  wait "$pid" 2>/dev/null || true
  log "failover #$r: killed the master :$master (pid $pid); its replica :$replica should take over"
  poll_writable "$replica" "$probe" "$t0" > "$OUT/failover-writable-$r.txt" &
  writable=$!
  result=$(put_then_poll_hit "$id" "$t0")
  wait "$writable" || true
  wait "$load_pid" || true
  LOAD_PID=
  load=$(grep '^RESULT' "$OUT/failover-load-$r.txt" || echo "RESULT rps=- p50_ms=- p99_ms=- p999_ms=- requests=- non2xx=- socket_errors=-")
  # result: put_status put_ms first_miss_ms fresh_hit_ms stale_hits bypassed unanswered
  read -r put_status put_ms first_miss hit stale bypassed unanswered <<< "$result"
  echo "$r,$master,$(topology_master_for "$key"),$(cat "$OUT/failover-writable-$r.txt"),$hit,$first_miss,$put_status,$put_ms,$stale,$bypassed,$unanswered,$(field_of "$load" rps),$(field_of "$load" p99_ms),$(field_of "$load" non2xx)" >> "$FAILOVER_CSV"
  log "failover #$r: writable after $(cat "$OUT/failover-writable-$r.txt") ms, fresh cache hit after $hit ms (first MISS $first_miss ms, PUT $put_status in $put_ms ms, stale hits $stale); read load: ${load#RESULT }"
}

cache_status() { # id: the X-Cache header of a GET
  curl -s -D - -o /dev/null "$BASE/products/$1" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }'
}

# Prints the ms from t0 until the port accepts a write, or "timeout".
poll_writable() { # port key t0
  local deadline=$(( $3 + FAILOVER_TIMEOUT * 1000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if [ "$(rcli "$1" set "$2" 1 px 10000 2>/dev/null | tr -d '\r')" = OK ]; then
      echo $(( $(now_ms) - $3 ))
      return
    fi
    sleep 0.01
  done
  echo timeout
}

# PUTs the product, then GETs it until the cache serves the new version. Prints: the PUT's
# status and ms since t0, the first MISS and the fresh HIT in ms since t0 ("-" / "timeout"
# when not seen), HITs of an older version, BYPASS answers, and GETs without an answer.
put_then_poll_hit() { # id t0
  local id=$1 t0=$2 headers status etag put_ms deadline cache tag first_miss=- stale=0 bypassed=0 unanswered=0 now
  headers=$(curl -s -D - -o /dev/null --max-time 10 -X PUT -H 'Content-Type: application/json' \
    -d "{\"stock_quantity\": $(( RANDOM % 1000 ))}" "$BASE/products/$id" | tr -d '\r')
  put_ms=$(( $(now_ms) - t0 ))
  status=$(echo "$headers" | awk 'NR == 1 { print $2 }')
  etag=$(echo "$headers" | awk -F': ' 'tolower($1) == "etag" { print $2 }')
  deadline=$(( t0 + FAILOVER_TIMEOUT * 1000 ))
  while now=$(now_ms) && [ "$now" -lt "$deadline" ]; do
    headers=$(curl -s -D - -o /dev/null --max-time 2 "$BASE/products/$id" | tr -d '\r')
    cache=$(echo "$headers" | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
    tag=$(echo "$headers" | awk -F': ' 'tolower($1) == "etag" { print $2 }')
    case $cache in
      MISS) [ "$first_miss" = - ] && first_miss=$(( now - t0 )) ;;
      BYPASS) bypassed=$(( bypassed + 1 )) ;;
      "") unanswered=$(( unanswered + 1 )) ;;  # no answer within 2 s, or an error without X-Cache
      HIT)
        if [ "$tag" = "$etag" ]; then
          echo "${status:-none} $put_ms $first_miss $(( $(now_ms) - t0 )) $stale $bypassed $unanswered"
          return
        fi
        stale=$(( stale + 1 )) ;;
    esac
    sleep 0.01
  done
  echo "${status:-none} $put_ms $first_miss timeout $stale $bypassed $unanswered"
}
