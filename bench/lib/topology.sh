# shellcheck shell=bash
# The Redis the API caches in, started by the benchmark on its own loopback ports with the
# redis-server on the PATH (never the system Redis on 6379):
#
#   single    one redis-server
#   sentinel  a master, one replica and three sentinels (quorum 2), watching the master as
#             "products"; the API gets REDIS_URL=redis-sentinel://s1,s2,s3#products
#   cluster   three masters with a replica each (redis-cli --cluster create); the API gets
#             REDIS_CLUSTER_NODES
#
# Failure detection is quick (down-after-milliseconds and cluster-node-timeout 1000 ms,
# failover-timeout 3000 ms), as in the tests' topologies, so a failover is over in seconds.
# Sourced by run.sh; expects OUT, TOPOLOGY and REDIS_BASE_PORT, and common.sh.

REDIS_DIR="$OUT/redis"
SENTINEL_MASTER=products
DATA_NODES=()              # names, in start order
declare -A NODE_PORT NODE_PID
SENTINEL_PIDS=()
SENTINEL_PORTS=()
API_REDIS_ENV=()           # the variables that tell the API where Redis is
TOPOLOGY_UP=0

rcli() { # port redis-cli-arguments...
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# The ports are chosen once per run and reused when the topology is restarted, so that the
# API's settings stay valid.
allocate_ports() {
  [ ${#DATA_NODES[@]} -gt 0 ] && return
  local name port next=$REDIS_BASE_PORT
  case $TOPOLOGY in
    single) DATA_NODES=(redis) ;;
    sentinel) DATA_NODES=(master replica) ;;
    cluster) DATA_NODES=(node-1 node-2 node-3 node-4 node-5 node-6) ;;
  esac
  for name in "${DATA_NODES[@]}"; do
    # A Cluster node also listens on port + 10000 for the cluster bus.
    if [ "$TOPOLOGY" = cluster ]; then take_port port "$next" 10000; else take_port port "$next"; fi
    NODE_PORT[$name]=$port
    next=$(( port + 1 ))
  done
  if [ "$TOPOLOGY" = sentinel ]; then
    for _ in 1 2 3; do take_port port "$next"; SENTINEL_PORTS+=("$port"); next=$(( port + 1 )); done
  fi
}

start_data_node() { # name redis-server-arguments...
  local name=$1 dir="$REDIS_DIR/$1"
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  # No persistence: a cache; diskless sync at once, so a replica is in sync within moments.
  redis-server --port "${NODE_PORT[$name]}" --bind 127.0.0.1 --protected-mode no --save '' --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --repl-diskless-sync yes --repl-diskless-sync-delay 0 "$@" &
  NODE_PID[$name]=$!
}

await() { # description seconds command...: polls the command (quiet on failure) every 50 ms until it succeeds
  local description=$1 deadline=$(( $(now_ms) + $2 * 1000 ))
  shift 2
  until "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || die "timed out waiting for $description (logs in $REDIS_DIR)"
    sleep 0.05
  done
}

answers() { [ "$(rcli "$1" ping 2>/dev/null)" = PONG ]; }

field() { # port section field: one field of INFO
  rcli "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'
}

await_data_nodes() {
  local name
  for name in "${DATA_NODES[@]}"; do
    await "redis-server $name on port ${NODE_PORT[$name]}" 10 node_up "$name"
  done
}

node_up() { # name: answers PING; exits the run if the process is gone (a bad option, a taken port)
  kill -0 "${NODE_PID[$1]}" 2>/dev/null \
    || die "redis-server $1 (port ${NODE_PORT[$1]}) exited: $(tail -3 "$REDIS_DIR/$1/redis.log" 2>/dev/null)"
  answers "${NODE_PORT[$1]}"
}

replica_in_sync() { [ "$(field "$1" replication master_link_status 2>/dev/null)" = up ]; }

topology_start() {
  allocate_ports
  mkdir -p "$REDIS_DIR"
  case $TOPOLOGY in
    single) start_single ;;
    sentinel) start_sentinel ;;
    cluster) start_cluster ;;
  esac
  TOPOLOGY_UP=1
  log "redis: $(topology_describe)"
}

start_single() {
  start_data_node redis
  await_data_nodes
  API_REDIS_ENV=(REDIS_HOST=127.0.0.1 "REDIS_PORT=${NODE_PORT[redis]}")
}

start_sentinel() {
  local master=${NODE_PORT[master]} i j conf dir ids=()
  start_data_node master
  start_data_node replica --replicaof 127.0.0.1 "$master"
  await_data_nodes
  # Each sentinel starts knowing the others and the replica (as the tests' topology does),
  # so it does not wait for their hello messages; it rewrites its config file as it learns,
  # so the file lives in the sentinel's own writable directory.
  for i in 0 1 2; do ids+=("$(od -An -tx1 -N20 /dev/urandom | tr -d ' \n')"); done
  for i in 0 1 2; do
    dir="$REDIS_DIR/sentinel-$(( i + 1 ))"
    rm -rf "$dir" && mkdir -p "$dir"
    conf="$dir/sentinel.conf"
    {
      echo "port ${SENTINEL_PORTS[$i]}"
      echo "bind 127.0.0.1"
      echo "protected-mode no"
      echo "dir $dir"
      echo "logfile $dir/sentinel.log"
      echo "sentinel myid ${ids[$i]}"
      echo "sentinel monitor $SENTINEL_MASTER 127.0.0.1 $master 2"
      echo "sentinel down-after-milliseconds $SENTINEL_MASTER 1000"
      echo "sentinel failover-timeout $SENTINEL_MASTER 3000"
      echo "sentinel parallel-syncs $SENTINEL_MASTER 1"
      echo "sentinel known-replica $SENTINEL_MASTER 127.0.0.1 ${NODE_PORT[replica]}"
      for j in 0 1 2; do
        [ "$j" = "$i" ] || echo "sentinel known-sentinel $SENTINEL_MASTER 127.0.0.1 ${SENTINEL_PORTS[$j]} ${ids[$j]}"
      done
    } > "$conf"
    redis-server "$conf" --sentinel &
    SENTINEL_PIDS+=($!)
  done
  await "the replica to sync with the master" 20 replica_in_sync "${NODE_PORT[replica]}"
  for i in 0 1 2; do
    await "sentinel ${SENTINEL_PORTS[$i]} to see the master, the replica and 2 other sentinels" 20 \
      sentinel_sees_all "${SENTINEL_PORTS[$i]}" "$master"
  done
  local nodes
  nodes=$(printf '127.0.0.1:%s,' "${SENTINEL_PORTS[@]}")
  API_REDIS_ENV=("REDIS_URL=redis-sentinel://${nodes%,}#$SENTINEL_MASTER")
}

sentinel_sees_all() { # sentinel-port master-port
  rcli "$1" sentinel master "$SENTINEL_MASTER" 2>/dev/null | tr -d '\r' | paste - - | awk -v port="$2" '
    $1 == "port" { p = $2 } $1 == "flags" { f = $2 } $1 == "num-slaves" { s = $2 } $1 == "num-other-sentinels" { o = $2 }
    END { exit !(p == port && f == "master" && s == 1 && o == 2) }'
}

start_cluster() {
  local name addresses=()
  for name in "${DATA_NODES[@]}"; do
    # validity factor 0: a replica is promoted however long it was cut off, as in the tests
    start_data_node "$name" --cluster-enabled yes --cluster-config-file "$REDIS_DIR/$name/nodes.conf" \
      --cluster-node-timeout 1000 --cluster-replica-validity-factor 0
    addresses+=("127.0.0.1:${NODE_PORT[$name]}")
  done
  await_data_nodes
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes > "$REDIS_DIR/cluster-create.log" 2>&1 \
    || die "redis-cli --cluster create failed: $(tail -5 "$REDIS_DIR/cluster-create.log")"
  for name in "${DATA_NODES[@]}"; do
    await "node $name to see the whole cluster" 30 cluster_ok "${NODE_PORT[$name]}"
  done
  for name in "${DATA_NODES[@]}"; do
    [ "$(field "${NODE_PORT[$name]}" replication role)" = slave ] \
      && await "replica $name to sync" 30 replica_in_sync "${NODE_PORT[$name]}"
  done
  local nodes
  nodes=$(printf '%s,' "${addresses[@]}")
  API_REDIS_ENV=("REDIS_CLUSTER_NODES=${nodes%,}")
}

cluster_ok() { # port
  rcli "$1" cluster info 2>/dev/null | tr -d '\r' | awk -F: '$1 == "cluster_state" { s = $2 } $1 == "cluster_known_nodes" { n = $2 }
    END { exit !(s == "ok" && n == 6) }'
}

# The data nodes that are masters now (a failover changes which), by port.
topology_masters() {
  local name
  for name in "${DATA_NODES[@]}"; do
    kill -0 "${NODE_PID[$name]}" 2>/dev/null || continue
    [ "$(field "${NODE_PORT[$name]}" replication role 2>/dev/null)" = master ] && echo "${NODE_PORT[$name]}"
  done
  return 0
}

# The port of the master that holds a key now.
topology_master_for() { # key
  case $TOPOLOGY in
    single) echo "${NODE_PORT[redis]}" ;;
    sentinel) rcli "${SENTINEL_PORTS[0]}" sentinel get-master-addr-by-name "$SENTINEL_MASTER" | tr -d '\r' | sed -n 2p ;;
    cluster)
      local any slot
      any=$(topology_masters | sed -n 1p)
      slot=$(rcli "$any" cluster keyslot "$1" | tr -d '\r')
      cluster_master_for_slot "$any" "$slot" ;;
  esac
}

# From CLUSTER NODES as one node sees it: the line of the master (not failed) whose slot ranges
# hold the slot; its address is 127.0.0.1:port@busport.
cluster_master_for_slot() { # port slot
  rcli "$1" cluster nodes | tr -d '\r' | awk -v slot="$2" '
    $3 ~ /master/ && $3 !~ /fail/ {
      for (i = 9; i <= NF; i++) {
        n = split($i, range, "-"); from = range[1]; to = (n == 2) ? range[2] : range[1]
        if ($i !~ /^\[/ && slot + 0 >= from + 0 && slot + 0 <= to + 0) { split($2, address, "[:@]"); print address[2]; exit }
      }
    }'
}

# The port of a master's replica, as the master reports it (INFO replication, slave0).
topology_replica_of() { # master-port
  field "$1" replication slave0 | tr ',' '\n' | awk -F= '$1 == "port" { print $2 }'
}

topology_pid_of() { # port
  local name
  for name in "${DATA_NODES[@]}"; do
    [ "${NODE_PORT[$name]}" = "$1" ] && echo "${NODE_PID[$name]}"
  done
  return 0
}

# Empties the cache: FLUSHALL on every master (the replicas follow).
topology_flushall() {
  local port
  for port in $(topology_masters); do rcli "$port" flushall > /dev/null; done
}

# How many WAIT commands the masters have run: the replica acknowledgement after each DEL.
topology_wait_calls() {
  local port total=0 calls
  for port in $(topology_masters); do
    calls=$(rcli "$port" info commandstats | tr -d '\r' | awk -F'[:=,]' '$1 == "cmdstat_wait" { print $3 }')
    total=$(( total + ${calls:-0} ))
  done
  echo "$total"
}

# Redis down: every data node stops; the sentinels, if any, stay up.
topology_stop_data_nodes() {
  local name
  for name in "${DATA_NODES[@]}"; do stop "${NODE_PID[$name]:-}"; NODE_PID[$name]=; done
  TOPOLOGY_UP=0
}

topology_stop() {
  local pid
  for pid in "${SENTINEL_PIDS[@]}"; do stop "$pid"; done
  SENTINEL_PIDS=()
  topology_stop_data_nodes
}

topology_describe() {
  local name ports=""
  for name in "${DATA_NODES[@]}"; do ports+="$name :${NODE_PORT[$name]}, "; done
  case $TOPOLOGY in
    single) echo "single redis-server (${ports%, })" ;;
    sentinel) echo "sentinel: ${ports%, }; sentinels :${SENTINEL_PORTS[*]} (quorum 2, down-after-milliseconds 1000, failover-timeout 3000)" ;;
    cluster) echo "cluster: 3 masters + 3 replicas (${ports%, }; cluster-node-timeout 1000)" ;;
  esac
}
