# shellcheck shell=bash
# (n): nginx answering the hot product's GET with the very bytes the API answers it with (the
# body, Content-Type, ETag, X-Cache), from a file, over the same loopback and the same wrk
# script as (a). It is the ceiling of an HTTP server on this machine: (a)/(n) says how much of
# it a cache hit reaches. Sourced by run.sh and ab.sh; expects OUT, BASE, API_PORT and common.sh.

NGINX_PID=
NGINX_PORT=$(( API_PORT + 1 ))
NGINX_BASE="http://127.0.0.1:$NGINX_PORT"

# One worker per core, as nginx is deployed; no access log, keep-alive as long as the API's.
nginx_start() { # [path]: the hot product's, the benchmark's first product by default
  local dir="$OUT/nginx" path=${1:-/products/10000000-0000-4000-8000-000000000001} etag type
  mkdir -p "$dir/root/products" "$dir/logs"
  curl -sf -D "$dir/headers" -o "$dir/root$path" "$BASE$path" || die "the hot product did not answer for (n)"
  etag=$(tr -d '\r' < "$dir/headers" | awk -F': ' 'tolower($1) == "etag" { print $2 }')
  type=$(tr -d '\r' < "$dir/headers" | awk -F': ' 'tolower($1) == "content-type" { print $2 }')
  cat > "$dir/nginx.conf" <<CONF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 10000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $dir/root;
    location = $path {
      default_type "$type";
      etag off;
      add_header ETag '$etag';
      add_header X-Cache HIT;
    }
  }
}
CONF
  nginx -c "$dir/nginx.conf" -p "$dir" -g 'daemon off;' &
  NGINX_PID=$!
  until curl -sf -o /dev/null "$NGINX_BASE$path"; do
    kill -0 "$NGINX_PID" 2>/dev/null || die "nginx did not start: $dir/logs/error.log"
    sleep 0.05
  done
  cmp -s "$dir/root$path" <(curl -s "$NGINX_BASE$path") || die "nginx does not answer the API's bytes"
}

nginx_stop() { [ -z "$NGINX_PID" ] || stop "$NGINX_PID"; NGINX_PID=; }
