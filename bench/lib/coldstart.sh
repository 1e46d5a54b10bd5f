# shellcheck shell=bash
# BENCH_SCENARIOS=coldstart: what a freshly started instance serves in its first seconds.
#
# Each repeat launches the API (COLDSTART_LAUNCH: the plain jar as the README runs it, or the
# image's extracted jar with its AOT cache) on the loaded database, times launch ->
# /actuator/health/readiness 200, then at once drives one hot product
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
    start_api "$DB_URL" "${COLDSTART_LAUNCH[@]}"
    await_api "$BASE/actuator/health/readiness"
    ready_ms=$(( $(now_ms) - started ))
    echo "$r,$ready_ms" >> "$COLDSTART_CSV"
    log "cold start #$r: readiness UP after $ready_ms ms; ${COLDSTART_SECONDS} slices of 1 s"
    coldstart_slices "$r" "$(( started + ready_ms ))"
  done
  log "cold start: steady state, ${STEADY_WARMUP}s of warm-up, then ${STEADY_SECONDS}s measured"
  wrk -t2 -c64 -d"${STEADY_WARMUP}s" -s bench/scripts/hot.lua "$BASE" > /dev/null
  local h0 t0 h1 t1 line
  read -r h0 t0 _ < <(scrape)
  line=$(wrk -t2 -c64 -d"${STEADY_SECONDS}s" --timeout 5s -s bench/scripts/hot.lua "$BASE" | grep '^RESULT')
  read -r h1 t1 _ < <(scrape)
  echo "steady $line hit_ratio=$(ratio $(( h1 - h0 )) $(( t1 - t0 )))" | sed 's/RESULT //' > "$OUT/coldstart-steady.txt"
  log "cold start: $(cat "$OUT/coldstart-steady.txt")"
}

# Between two slices only wrk's restart and one metrics scrape: no other process is started,
# so the gap stays a few ms even on a busy machine.
coldstart_slices() { # repeat ready-at-ms
  local s h0 t0 h1 t1 began line
  # two blank lines between data sets, for gnuplot's "index"
  [ "$1" = 1 ] || printf '\n\n' >> "$COLDSTART_DAT"
  read -r h0 t0 _ < <(scrape)
  for (( s = 1; s <= COLDSTART_SECONDS; s++ )); do
    began=$(now_ms)
    line=$(wrk -t2 -c64 -d1s --timeout 5s -s bench/scripts/hot.lua "$BASE" | grep '^RESULT') || line="RESULT rps=0 p99_ms=0"
    read -r h1 t1 _ < <(scrape)
    # repeat, seconds since readiness at the slice's start, requests/s, hits/s, p99, hit ratio
    echo "$line" | awk -v r="$1" -v t=$(( began - $2 )) -v h=$(( h1 - h0 )) -v n=$(( t1 - t0 )) '{
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        hit = (n > 0) ? h / n : -1
        printf "%s %.2f %s %s %s %s\n", r, t / 1000, v["rps"], (hit < 0) ? "-" : sprintf("%.1f", v["rps"] * hit),
          v["p99_ms"], (hit < 0) ? "-" : sprintf("%.3f", hit) }' >> "$COLDSTART_DAT"
    h0=$h1; t0=$t1
  done
}
