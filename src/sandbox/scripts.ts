/**
 * The shell run inside the container around each command (POSIX sh, builtins only after the command, so they
 * work even when a fork bomb holds every pid).
 *
 * The container's init and its keep-alive process run as a different unprivileged user (see docker.ts), so the
 * sandbox user can signal exactly the processes of its own commands: "every process I may kill" is the
 * process tree of the commands, whatever their process group or session (background children, daemons).
 */

/** Kills every process the sandbox user may signal except this shell: stop all first so none can fork. */
const SWEEP = `sweep() {
  i=0
  while [ $i -lt 50 ]; do
    pids=
    for d in /proc/[0-9]*; do
      p=\${d#/proc/}
      [ "$p" = "$$" ] && continue
      read -r s 2>/dev/null < "$d/stat" || continue
      s=\${s##*) }
      [ "\${s%% *}" = Z ] && continue
      kill -STOP "$p" 2>/dev/null && pids="$pids $p"
    done
    [ -z "$pids" ] && return 0
    kill -KILL $pids 2>/dev/null
    i=$((i+1))
  done
  return 1
}`;

/** Sets n to the OOM-kill counter of the container's memory cgroup (v1 or v2). */
export const OOM_READ = `n=
for f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do
  if [ -r "$f" ]; then
    while read -r k v; do [ "$k" = oom_kill ] && n=$v; done < "$f"
    break
  fi
done`;

/**
 * Runs the command ("$@"), then kills whatever it left running, then appends the OOM-kill counter to stderr as
 * a trailer the host strips again: so `oomKilled` is known even when a shell swallowed the kill of a child.
 */
export const WRAPPER = `${SWEEP}
"$@"
rc=$?
sweep
${OOM_READ}
printf '\\036mimo-exit=%s oom=%s\\n' "$rc" "$n" >&2
exit $rc`;

// eslint-disable-next-line no-control-regex -- the trailer starts with ASCII RS, which no normal output ends with
export const TRAILER = /\x1emimo-exit=(\d+) oom=(\d*)\n$/;

/** Run on a timeout: kills every process of the commands (exit 0 when none is left). */
export const KILLER = `${SWEEP}
sweep`;
