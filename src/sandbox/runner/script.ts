/**
 * The resident runner: one POSIX-shell process per sandbox, started by one exec as the sandbox user, that runs
 * every command and file operation the host asks for over its attached stdin/stdout/stderr (protocol in
 * docs/sandbox.md). It needs only /bin/sh and the commands `dd`, `mkdir`, `rm` and `find`,
 * so it works in any image with a shell, including a CI job's own.
 *
 * Requests (host → runner), one header line `OP ID NFIELDS`, then NFIELDS field lines (`=` + the raw text, or
 * `%` + text in printf-%b escapes, for text with control characters or backslashes), then for `w` and for `x`
 * with stdin, payload lines (`:` + printf-%b escaped bytes) up to a line `.`.
 *
 * Replies (runner → host): the operation's data on stdout (a command's own stdout and stderr go to the runner's
 * stdout and stderr), then on stdout `RS M NONCE ID STATUS RC OOM` and on stderr `RS M NONCE ID`, each ending a
 * line. NONCE is a secret the host sent as the first line: a command cannot forge an end of command (it never
 * sees the nonce: it is read by a builtin into an unexported variable), and a reply whose ID is not the one the
 * host waits for means the runner's input was tampered with.
 *
 * After every command its watcher subshell kills every process the user may signal except the runner and itself
 * (stop all first so none can fork; builtins only), whatever process group, session or parent they have: nothing a
 * command started outlives it, also when it killed its own wrapper shell. The runner meanwhile reads its input, so
 * a timeout or abort is a `k` request from the host, which the runner answers by killing everything but itself
 * with one kill(-1) and builtins, also while a fork bomb holds every pid.
 */

/** Sets n to the OOM-kill counter of the container's memory cgroup (v1 or v2). */
const OOM_READ = `oom() {
  n=
  for f in /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events; do
    if [ -r "$f" ]; then
      while read -r k v; do [ "$k" = oom_kill ] && n=$v; done < "$f"
      break
    fi
  done
}`;

/** Kills every process the user may signal except this shell and the process \`$R\` (the runner) when set. */
const SWEEP = `sweep() {
  # With no runner to spare, one kill(-1) ends everything at once: a fork bomb cannot outrun one system call.
  [ -z "$R" ] && kill -KILL -1 2>/dev/null
  i=0
  while [ $i -lt 50 ]; do
    pids=
    for d in /proc/[0-9]*; do
      p=\${d#/proc/}
      [ "$p" = "$$" ] && continue
      [ "$p" = "$R" ] && continue
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

/**
 * Refuses to run as root or outside a sandbox (no /workspace, or /.dockerenv missing): the sweeps kill every
 * process the user may signal, which on a host would be the host's.
 */
const GUARD = `while read -r k v _; do [ "$k" = Uid: ] && [ "$v" = 0 ] && exit 97; done < /proc/self/status
[ -d /workspace ] && [ -e /.dockerenv ] || exit 98`;

export const RUNNER_SCRIPT = `${GUARD}
${OOM_READ}
${SWEEP}
W=/workspace
R= w=
IFS= read -r N || exit 0
T=/tmp/.mimo-runner-$$
mkdir -p "$T" 2>/dev/null
reply() {
  oom
  printf '\\036M%s %s %s %s %s\\n' "$N" "$id" "$1" "$2" "$n"
  printf '\\036M%s %s\\n' "$N" "$id" >&2
}
payload() {
  while IFS= read -r l; do
    [ "$l" = . ] && return 0
    printf '%b' "\${l#:}"
  done
  exit 0
}
# Sets P to the path of workspace path $1, or S to why it is refused: no component is followed out of the
# workspace, and the last one is never a symlink.
place() {
  P=$W/$1 rest=$1 cur=$W
  case /$1/ in */../*|*/./*|//*) S=outside; return 1 ;; esac
  while [ -n "$rest" ]; do
    case $rest in */*) c=\${rest%%/*} rest=\${rest#*/} ;; *) c=$rest rest= ;; esac
    cur=$cur/$c
    if [ -L "$cur" ]; then
      [ -n "$rest" ] || { S=symlink; return 1; }
      r=$(cd -P -- "$cur" 2>/dev/null && pwd -P) || { S=broken; return 1; }
      case $r/ in "$W"/*) ;; *) S=outside; return 1 ;; esac
    fi
  done
  return 0
}
run() {
  cwd=$1 si=$2 ne=$3
  shift 3
  in=/dev/null
  if [ "$si" = 1 ]; then payload > "$T/stdin"; in=$T/stdin; fi
  # The command runs under a watcher subshell that waits for it, sweeps and replies, so the runner itself goes back
  # to reading its input: a timeout or abort is a \`k\` request the host sends, and the runner answers it with
  # builtins only (its sweep), which works while a fork bomb holds every pid.
  (
    read -r R _ < /proc/self/stat
    (
      cd "$cwd" || exit 126
      unset OLDPWD
      while [ "$ne" -gt 0 ]; do export "$1"; shift; ne=$((ne-1)); done
      exec "$@" < "$in"
    ) &
    wait "$!"
    rc=$?
    if sweep; then reply ok "$rc"; else reply stray "$rc"; fi
  ) &
  w=$!
}
# The workspace upload (u) needs head, tar and cat; without them the host copies with the engine's archive API.
UP=0
command -v head >/dev/null 2>&1 && command -v tar >/dev/null 2>&1 && command -v cat >/dev/null 2>&1 && UP=1
oom
printf '\\036M%s ready %s %s %s\\n' "$N" "$$" "$n" "$UP"
while read -r op id nf; do
  # While a command runs, the host may ask whether its watcher still lives (q) or end it (k).
  case $op in
    k)
      sweep
      [ -n "$w" ] && wait "$w"
      w=
      reply killed 137
      continue ;;
    q)
      st=idle
      if [ -n "$w" ] && read -r s 2>/dev/null < "/proc/$w/stat"; then
        s=\${s##*) }
        [ "\${s%% *}" = Z ] || st=busy
      fi
      reply "$st" 0
      continue ;;
  esac
  [ -n "$w" ] && wait "$w"
  w=
  set --
  i=0
  while [ "$i" -lt "$nf" ]; do
    IFS= read -r f || exit 0
    case $f in
      =*) f=\${f#=} ;;
      *) f=$(printf '%b_' "\${f#%}"); f=\${f%_} ;;
    esac
    set -- "$@" "$f"
    i=$((i+1))
  done
  case $op in
    x) run "$@" ;;
    r)
      if ! place "$1"; then reply "$S" 1
      elif [ -d "$P" ]; then reply isdir 1
      elif [ ! -e "$P" ]; then reply missing 1
      elif [ ! -f "$P" ]; then reply special 1
      elif dd if="$P" bs=65536 count="$2" 2>/dev/null; then reply ok 0
      else reply error 1
      fi ;;
    w)
      if ! place "$1"; then payload > /dev/null; reply "$S" 1
      else
        [ -d "\${P%/*}" ] || mkdir -p -- "\${P%/*}" 2>/dev/null
        if [ -d "$P" ]; then payload > /dev/null; reply isdir 1
        elif payload > "$P"; then reply ok 0
        else reply error 1
        fi
      fi ;;
    d)
      if ! place "$1"; then reply "$S" 1
      elif [ -d "$P" ]; then reply isdir 1
      elif [ ! -e "$P" ] && [ ! -L "$P" ]; then reply missing 0
      elif rm -f -- "$P"; then reply ok 0
      else reply error 1
      fi ;;
    l)
      p=$1
      shift
      if [ "$p" != . ] && ! place "$p"; then reply "$S" 1
      elif (cd -- "$W/$p" 2>/dev/null && exec find . "$@"); then reply ok 0
      else reply error 1
      fi ;;
    s)
      if ! place "$1"; then
        if [ "$S" = symlink ]; then reply symlink 0; else reply "$S" 1; fi
      elif [ -d "$P" ]; then reply dir 0
      elif [ -f "$P" ]; then reply file 0
      elif [ -e "$P" ]; then reply special 0
      else reply missing 0
      fi ;;
    u)
      # $1 bytes of a tar archive follow the request, raw: head takes exactly those, and cat drains whatever a
      # failing tar left, so no byte of the archive is ever read as a request.
      if head -c "$1" | { (cd "$W" && exec tar -xf -); r=$?; cat > /dev/null; exit $r; }; then reply ok 0
      else reply error 1
      fi ;;
    p) reply ok 0 ;;
    *) reply bad 2 ;;
  esac
done`;

/**
 * Run by a separate exec on a timeout or abort, or when the runner is gone: kills every process of the sandbox
 * user except the runner whose pid is "$1" (none: everything). Exit 0 when none is left.
 */
export const KILL_SCRIPT = `${GUARD}
${SWEEP}
R=$1
sweep`;
