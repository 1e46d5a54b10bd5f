# shellcheck shell=bash
# The API's database: a fresh one per run, created here and migrated by the API itself
# (Flyway) at start-up, then loaded by insert-selects straight into the products table.
#
#   sqlite    a file in bench/out/
#   postgres  a database bench_<label> on BENCH_PG_HOST:BENCH_PG_PORT (127.0.0.1:5432, user
#             postgres, no password), dropped when the run ends
#
# Sourced by run.sh; expects OUT and DATABASE, and common.sh.

PG_HOST=${BENCH_PG_HOST:-127.0.0.1}
PG_PORT=${BENCH_PG_PORT:-5432}
PG_USER=${BENCH_PG_USER:-postgres}
CREATED_DATABASES=()

# Product i is 10000000-0000-4000-8000-<i as 12 hex digits>, created at 2020-01-01 + i ms,
# so the list order (created_at, id) is the order of i, and a cursor's position is stable
# whatever is loaded after it. The sample products the API seeds come after all of them.
PRODUCT_EPOCH_S=1577836800

pg() { # psql-arguments...
  PGOPTIONS="-c client_min_messages=warning" psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -X -q -v ON_ERROR_STOP=1 "$@"
}

database_check() {
  [ "$DATABASE" = postgres ] || return 0
  need psql postgresql-client
  pg -d postgres -c 'SELECT 1' > /dev/null 2>&1 \
    || die "BENCH_DATABASE=postgres, but PostgreSQL does not answer at $PG_USER@$PG_HOST:$PG_PORT (database postgres, no password). Start it, set BENCH_PG_HOST/BENCH_PG_PORT/BENCH_PG_USER, or use BENCH_DATABASE=sqlite."
}

# A name PostgreSQL accepts: bench_ and the label, lower case, [a-z0-9_], at most 63 bytes.
database_name() { # suffix
  local name
  name=$(printf 'bench_%s' "$1" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_\n' '_')
  echo "${name:0:63}"
}

# Creates an empty database and sets DB_URL to the DATABASE_URL the API gets for it.
database_create() { # name
  case $DATABASE in
    sqlite)
      rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm"
      DB_URL="jdbc:sqlite:$OUT/$1.db" ;;
    postgres)
      pg -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" > /dev/null
      CREATED_DATABASES+=("$1")
      DB_URL="postgresql://$PG_USER@$PG_HOST:$PG_PORT/$1" ;;
  esac
}

database_drop() { # name: only a database this run created
  local kept=() created
  case $DATABASE in
    sqlite) rm -f "$OUT/$1.db" "$OUT/$1.db-wal" "$OUT/$1.db-shm" ;;
    postgres) pg -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" > /dev/null 2>&1 || log "could not drop database $1" ;;
  esac
  for created in "${CREATED_DATABASES[@]}"; do [ "$created" = "$1" ] || kept+=("$created"); done
  CREATED_DATABASES=("${kept[@]}")
}

database_drop_all() {
  local name
  for name in "${CREATED_DATABASES[@]}"; do database_drop "$name"; done
  CREATED_DATABASES=()
}

database_sql() { # name sql
  case $DATABASE in
    sqlite) sqlite3 -cmd ".timeout 10000" "$OUT/$1.db" "$2" ;;
    postgres) pg -d "$1" -c "$2" ;;
  esac
}

# Inserts the products numbered by a set of integers i, skipping those already there (the
# cursor pool's products are loaded first). The source is a table expression with column i.
insert_products() { # name source
  local columns="id, name, description, price_cents, stock_quantity, created_at"
  case $DATABASE in
    sqlite) database_sql "$1" "$2
      INSERT OR IGNORE INTO products ($columns)
      SELECT printf('10000000-0000-4000-8000-%012x', i), 'Product ' || i, 'Benchmark product number ' || i,
             100 + i % 10000, i % 500,
             strftime('%Y-%m-%d %H:%M:%S', $PRODUCT_EPOCH_S + i / 1000, 'unixepoch') || printf('.%03d', i % 1000)
      FROM n;" ;;
    postgres) database_sql "$1" "
      INSERT INTO products ($columns)
      SELECT ('10000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'Product ' || i, 'Benchmark product number ' || i,
             100 + i % 10000, i % 500, to_timestamp($PRODUCT_EPOCH_S) + i * interval '1 millisecond'
      FROM $2 ON CONFLICT (id) DO NOTHING" > /dev/null ;;
  esac
}

insert_range() { # name from to
  case $DATABASE in
    sqlite) insert_products "$1" "WITH RECURSIVE n(i) AS (SELECT $2 UNION ALL SELECT i + 1 FROM n WHERE i < $3)" ;;
    postgres) insert_products "$1" "generate_series($2, $3) AS n(i)" ;;
  esac
}

insert_list() { # name numbers...
  local name=$1 values
  shift
  case $DATABASE in
    sqlite) values=$(printf '(%s),' "$@"); insert_products "$name" "WITH n(i) AS (VALUES ${values%,})" ;;
    postgres) values=$(printf '%s,' "$@"); insert_products "$name" "unnest(ARRAY[${values%,}]) AS n(i)" ;;
  esac
}

# Loads products 1..count in batches (one transaction each), with a progress bar, then
# ANALYZE so that the planner knows the table's size. 1,000,000 rows take about 12 s on
# PostgreSQL here, indexes included.
database_load() { # name count
  local name=$1 count=$2 batch from to started
  batch=$([ "$DATABASE" = postgres ] && echo 100000 || echo 50000)
  started=$(now_ms)
  for (( from = 1; from <= count; from += batch )); do
    to=$(( from + batch - 1 < count ? from + batch - 1 : count ))
    insert_range "$name" "$from" "$to"
    progress "$to" "$count"
  done
  database_sql "$name" "ANALYZE" > /dev/null
  log "loaded $count products in $(( $(now_ms) - started )) ms"
}
