# shellcheck shell=bash
# Helpers shared by bench/run.sh and the files it sources: logging, tools, processes, ports.
# Sourced, not run; expects OUT (the scratch directory) to be set.

log() { printf '\033[1m[bench]\033[0m %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Installs a missing tool with apt-get when run as root, else says what to install.
need() { # tool package
  local tool=$1 package=$2
  command -v "$tool" >/dev/null && return
  if [ "$(id -u)" = 0 ]; then
    log "installing $package"
    apt-get install -y -qq "$package" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$package" >/dev/null; }
  else
    die "missing $tool: sudo apt-get install $package"
  fi
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# SIGTERM, then SIGKILL after 15 s: the API shuts down gracefully and may take a moment.
stop() { # pid
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

listening() { # port: whether something accepts connections on 127.0.0.1:port
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports handed out by take_port in this run, so that two calls made before any server has
# bound its port do not get the same one.
TAKEN_PORTS=" "

# Sets the variable named $1 to the first port from $2 upwards that nothing listens on and
# this run has not handed out; with a third argument, port + that offset must be free too (a
# Cluster node's bus port). Not a $(...) function: the list of taken ports must survive it.
take_port() { # variable from [offset]
  # Names with a leading underscore: printf -v must not set a local of this function.
  local _port=$2 _offset=${3:-}
  while ! port_free "$_port" || { [ -n "$_offset" ] && ! port_free $(( _port + _offset )); }; do
    _port=$(( _port + 1 ))
  done
  TAKEN_PORTS+="$_port "
  [ -n "$_offset" ] && TAKEN_PORTS+="$(( _port + _offset )) "
  printf -v "$1" '%s' "$_port"
}
port_free() { # port
  [[ "$TAKEN_PORTS" != *" $1 "* ]] && ! listening "$1"
}

# A progress bar on stderr: [#####     ]  42% 420000/1000000
progress() { # done total
  local pct=$(( $1 * 100 / $2 )) bar
  bar=$(printf '%*s' $(( pct / 2 )) '' | tr ' ' '#')
  printf '\r  [%-50s] %3d%% %d/%d' "$bar" "$pct" "$1" "$2" >&2
  [ "$1" -ge "$2" ] && echo >&2
  return 0
}

median() { # numbers...: the median (the lower middle one for an even count), or "-" for none
  [ $# -gt 0 ] || { echo -; return; }
  printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}
