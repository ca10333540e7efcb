# shellcheck shell=bash
# Shared helpers for bench/run and the benchmark scripts: logging, bounded commands, background
# processes that are always cleaned up, CPU load, and result rows.
# Sourced, never run. Needs the BENCH_* variables that bench/run exports (see bench/run).

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Everything this script must undo when it exits, however it exits: first the background
# processes it started are stopped, then the at_exit commands run, last-in first-out.
BENCH_CLEANUPS=()
at_exit() { BENCH_CLEANUPS+=("$1"); }
run_cleanups() {
  local i
  bg_stop_all
  for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${BENCH_CLEANUPS[i]}" || true
  done
  BENCH_CLEANUPS=()
}
trap run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command in the client namespace, stopped after $1 seconds (SIGKILL 2 s later if it
# ignores SIGTERM). Every ping the benchmarks start runs under it, directly or through
# measure.py, GNU time or hyperfine.
in_client() {
  local seconds=$1
  shift
  ip netns exec "$BENCH_NS_CLIENT" timeout -k 2 "$seconds" "$@"
}

py() { "$BENCH_PYTHON" "$@"; }

# Background processes, tracked by pid so that they are killed by pid on exit.
BENCH_BG_PIDS=()
bg_start() {            # bg_start CMD...; the pid is left in BG_PID
  "$@" &
  BG_PID=$!
  BENCH_BG_PIDS+=("$BG_PID")
}
bg_forget() {
  local kept=() pid
  for pid in "${BENCH_BG_PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  BENCH_BG_PIDS=("${kept[@]}")
}
bg_wait() {             # bg_wait PID: waits for it; returns its exit status
  local rc=0
  wait "$1" || rc=$?
  bg_forget "$1"
  return "$rc"
}
bg_stop() {             # bg_stop PID: SIGTERM, then reap
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  bg_forget "$1"
}
bg_stop_all() {
  local pid
  for pid in "${BENCH_BG_PIDS[@]}"; do bg_stop "$pid"; done
}

# Waits (bounded) until FILE has COUNT lines (default 1) containing TEXT; 1 if it never does.
wait_for_line() {       # wait_for_line FILE TEXT SECONDS [COUNT]
  local i n
  for ((i = 0; i < $3 * 20; i++)); do
    n=$(grep -c -- "$2" "$1" 2>/dev/null || true)
    [ "${n:-0}" -ge "${4:-1}" ] && return 0
    sleep 0.05
  done
  return 1
}

# CPU load: one busy loop per core. Each loop is bounded by timeout(1) even if this script is
# killed with SIGKILL; stop_cpu_load, or the exit of this script, kills them by pid.
BENCH_LOADER_PIDS=()
start_cpu_load() {      # start_cpu_load LOOPS MAX_SECONDS
  local i
  for ((i = 0; i < $1; i++)); do
    bg_start timeout -s KILL "$2" bash -c 'while :; do :; done'
    BENCH_LOADER_PIDS+=("$BG_PID")
  done
}
stop_cpu_load() {
  local pid
  for pid in "${BENCH_LOADER_PIDS[@]}"; do bg_stop "$pid"; done
  BENCH_LOADER_PIDS=()
}

# Knob with a quick-run default: knob NAME FULL QUICK -> $NAME from the environment if set,
# otherwise QUICK when BENCH_QUICK=1, otherwise FULL.
knob() {
  local name=$1 full=$2 quick=$3
  if [ -n "${!name:-}" ]; then
    printf '%s' "${!name}"
  elif [ "${BENCH_QUICK:-0}" = 1 ]; then
    printf '%s' "$quick"
  else
    printf '%s' "$full"
  fi
}

# A line for the "Method and notes" section of the report.
note() { printf '%s\n' "$*" >>"$BENCH_NOTES"; }

# A result row: summarize.py reads two sample files and appends one row to the results.
row() { py "$BENCH_LIB/summarize.py" --results "$BENCH_RESULTS" "$@"; }

# The two binaries under test, by column name, and the order in which pair number $1 runs them:
# even pairs run ours first, odd pairs iputils first, so neither always goes first.
bin_of() { if [ "$1" = ours ]; then printf '%s' "$BENCH_OURS"; else printf '%s' "$BENCH_REF"; fi; }
pair_order() { if (($1 % 2 == 0)); then echo "ours ref"; else echo "ref ours"; fi; }
