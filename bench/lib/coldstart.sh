# shellcheck shell=bash
# BENCH_SCENARIOS=coldstart: what a freshly started instance serves in its first seconds.
#
# Each repeat launches the API as the image runs it (extracted jar, AOT cache) on the loaded
# database, times launch -> /actuator/health/readiness 200, then at once drives one hot product
# (a cache hit, scripts/hot.lua, 64 connections) for BENCH_COLDSTART_SECONDS as that many
# consecutive 1 s wrk runs: one slice each, with its requests/s, p99 and hit ratio (from the
# API's metrics, scraped between slices). Between two slices wrk restarts and reconnects,
# a few ms without load; each slice's time is when it really began.
# After the last repeat the same instance runs BENCH_STEADY_WARMUP s more, then one
# BENCH_STEADY_SECONDS run: the steady state that the plot draws as a reference line.
# Sourced by run.sh.

COLDSTART_DAT="$OUT/coldstart.dat"
COLDSTART_CSV="$OUT/coldstart.csv"

coldstart_mode() {
  local r ready_ms
  [ "$TOPOLOGY_UP" = 1 ] || topology_start
  echo "# repeat seconds_since_ready rps hits_per_s p99_ms hit_ratio" > "$COLDSTART_DAT"
  echo "repeat,ready_ms" > "$COLDSTART_CSV"
  for (( r = 1; r <= REPEATS; r++ )); do
    # The product is cached before the new instance starts, so every request of the first
    # slice can be a hit: what is measured is the new JVM, not a cold cache.
    [ -z "$API_PID" ] || curl -sf -o /dev/null "$BASE/products/10000000-0000-4000-8000-000000000001"
    stop_api
    local started
    started=$(now_ms)
    start_api "$DB_URL" "${AOT[@]}"
    await_api "$BASE/actuator/health/readiness"
    ready_ms=$(( $(now_ms) - started ))
    echo "$r,$ready_ms" >> "$COLDSTART_CSV"
    log "cold start #$r: readiness UP after $ready_ms ms; ${COLDSTART_SECONDS} slices of 1 s"
    coldstart_slices "$r" "$(( started + ready_ms ))"
  done
  log "cold start: steady state, ${STEADY_WARMUP}s of warm-up, then ${STEADY_SECONDS}s measured"
  wrk -t2 -c64 -d"${STEADY_WARMUP}s" -s bench/scripts/hot.lua "$BASE" > /dev/null
  local h0 t0 h1 t1 line
  read -r h0 t0 < <(scrape)
  line=$(wrk -t2 -c64 -d"${STEADY_SECONDS}s" --timeout 5s -s bench/scripts/hot.lua "$BASE" | grep '^RESULT')
  read -r h1 t1 < <(scrape)
  echo "steady $line hit_ratio=$(ratio $(( h1 - h0 )) $(( t1 - t0 )))" | sed 's/RESULT //' > "$OUT/coldstart-steady.txt"
  log "cold start: steady $(cat "$OUT/coldstart-steady.txt")"
}

coldstart_slices() { # repeat ready-at-ms
  local s h0 t0 h1 t1 began line rps p99 hit
  read -r h0 t0 < <(scrape)
  for (( s = 1; s <= COLDSTART_SECONDS; s++ )); do
    began=$(now_ms)
    line=$(wrk -t2 -c64 -d1s --timeout 5s -s bench/scripts/hot.lua "$BASE" | grep '^RESULT') || line="RESULT rps=0 p99_ms=0"
    read -r h1 t1 < <(scrape)
    rps=$(field_of "$line" rps)
    p99=$(field_of "$line" p99_ms)
    hit=$(ratio $(( h1 - h0 )) $(( t1 - t0 )))
    python3 -c "print('$1', f'{($began - $2) / 1000:.2f}', '$rps', '-' if '$hit' == '-' else f'{$rps * float(\"$hit\"):.1f}', '$p99', '$hit')" >> "$COLDSTART_DAT"
    h0=$h1; t0=$t1
  done
  # two blank lines end a data set for gnuplot's "index"
  printf '\n\n' >> "$COLDSTART_DAT"
}
