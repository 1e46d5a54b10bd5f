#!/bin/bash
# What tracing costs a cache hit: bench/ab.sh with three instances of the built jar, tracing
# off, on with sampling 0 (every request traced, nothing exported) and on with the default
# 0.1, exporting to a stand-in collector on loopback (bench/OtlpSink.java: one thread,
# keep-alive, answers each export with an empty 200). Each is warmed with WARM s of hits, then
# measured in RUN s runs of wrk, rotated, REPEATS each: requests/s, and CPU µs of the API's
# JVM per hit from /proc (user + system), the primary figure on a shared machine. The medians
# and their ratios to "off" close the report.
# Needs Redis on localhost:6379, wrk and JDK 25 (JAVA); run from the repository after
# ./mvnw package. EXTRA_JAR=path adds a fourth instance, "on-extra", sampling 0.1 on that jar
# (say, an older build), measured in the same rotation.
set -eu
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
JAR=${JAR:-target/product-api.jar}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
"$JAVA" -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 bench/OtlpSink.java 14318 >"$OUT/sink.log" 2>&1 &
sink=$!
trap 'kill $sink; wait $sink 2>/dev/null; cat "$OUT/sink.log"' EXIT
endpoint=OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:14318
instances=("off=$JAR" "zero=$JAR,$endpoint,TRACING_SAMPLING_PROBABILITY=0" "on=$JAR,$endpoint")
if [ -n "${EXTRA_JAR:-}" ]; then instances+=("on-extra=$EXTRA_JAR,$endpoint"); fi
JAVA=$JAVA OUT=$OUT NGINX=0 RUN=${RUN:-20} bench/ab.sh "${instances[@]}"
