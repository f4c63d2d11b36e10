# Process and port helpers for the benchmark scripts; source it.

# A port no socket uses, UDP or TCP, on 127.0.0.1.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Hlnu "sport = :$port" | grep -q . || ss -Hlnt "sport = :$port" | grep -q . || break
  done
  echo "$port"
}

# CPU ticks (user + system) of a process and its descendants: NSD and hpdns's master serve from
# child processes. The fields are counted after the command name, which may hold spaces.
cpu_ticks() {
  local pid=$1 total child
  total=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}')
  total=${total:-0}
  for child in $(pgrep -P "$pid"); do
    total=$((total + $(cpu_ticks "$child")))
  done
  echo "$total"
}

# Resident memory of a process and its descendants in kB, as PSS, so pages that forked processes
# share are counted once.
memory_kb() {
  local pid=$1 total child
  total=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null)
  total=${total:-0}
  for child in $(pgrep -P "$pid"); do
    total=$((total + $(memory_kb "$child")))
  done
  echo "$total"
}

now_ms() { date +%s%3N; }
