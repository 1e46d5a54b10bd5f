#!/bin/bash
# What tracing costs a cache hit: three instances of the built jar, tracing off, on with
# sampling 0 (every request traced, nothing exported) and on with the default 0.1, exporting
# to a stand-in collector on loopback. Each is warmed with 40 s of hits, then measured in 20 s
# runs of wrk, rotated, three each: requests, and CPU µs of the JVM per hit from /proc.
# Needs Redis on localhost:6379, wrk and python3; run from the repository after ./mvnw package.
set -eu
JAVA=${JAVA:-java}
ID=00000000-0000-4000-8000-000000000001
OUT=$(mktemp -d)
python3 -c '
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", 14318), H).serve_forever()' &
pids=($!)
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
start() { # port name variables...
  local port=$1 name=$2
  shift 2
  env "$@" API_PORT=$port DATABASE_URL=jdbc:sqlite:$OUT/$name.db \
    $JAVA @jvm.options -Xmx256m -jar target/product-api.jar >"$OUT/$name.log" 2>&1 &
  pids+=($!)
  echo $!
}
OFF=$(start 18092 off TRACING=off)
ZERO=$(start 18093 zero OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14318 TRACING_SAMPLING_PROBABILITY=0)
ON=$(start 18091 on OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14318)
for port in 18091 18092 18093; do
  for _ in $(seq 150); do curl -sf localhost:$port/actuator/health/readiness >/dev/null && break; sleep 1; done
done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
measure() { # name pid port seconds
  local before after requests
  before=$(cpu $2)
  requests=$(wrk -t2 -c64 -d$4s http://127.0.0.1:$3/products/$ID | awk '/requests in/ {print $1}')
  after=$(cpu $2)
  echo "$1 requests/s=$((requests / $4)) cpu_us_per_hit=$(python3 -c "print(round(($after - $before) / $(getconf CLK_TCK) * 1e6 / $requests, 1))")"
}
measure warm-on $ON 18091 40 >/dev/null
measure warm-off $OFF 18092 40 >/dev/null
measure warm-zero $ZERO 18093 40 >/dev/null
measure on $ON 18091 20; measure off $OFF 18092 20; measure zero $ZERO 18093 20
measure off $OFF 18092 20; measure zero $ZERO 18093 20; measure on $ON 18091 20
measure zero $ZERO 18093 20; measure on $ON 18091 20; measure off $OFF 18092 20
