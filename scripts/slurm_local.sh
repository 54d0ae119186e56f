#!/usr/bin/env bash
# A private single-node Slurm cluster on loopback, for the tests of the Slurm
# job-array mode (issue 14): munged, slurmctld and slurmd of Debian's
# slurm-wlm packages, all state in one directory, nothing under /etc or /run.
#
#   scripts/slurm_local.sh start  STATE_DIR  # prints STATE_DIR/slurm.conf once a job ran
#   scripts/slurm_local.sh env    STATE_DIR  # prints: export SLURM_CONF=STATE_DIR/slurm.conf
#   scripts/slurm_local.sh status STATE_DIR  # exit 0 when all three daemons run and the node answers
#   scripts/slurm_local.sh stop   STATE_DIR  # cancels the jobs, stops the daemons, waits for them
#
# A client (sbatch, squeue, scontrol, scancel, sinfo) needs only
# SLURM_CONF=STATE_DIR/slurm.conf: the munge socket is named there
# (AuthInfo=socket=..., read by auth/munge and cred/munge alike).
#
# `start` makes STATE_DIR (mode 711: munged wants every parent of its socket
# searchable by all), wipes the state of an earlier run there, writes
# slurm.conf, a munge key and the spool and state dirs, starts
#   munged -F, slurmctld -D -i, slurmd -D -N localhost
# in their own sessions (setsid), records their PIDs in STATE_DIR/run/*.pid
# and waits (PBENCH_SLURM_TIMEOUT, default 60 s) until `scontrol ping` says UP
# and `sinfo` says the node is idle, then runs a trivial check job (named
# slurm_local-check: it is job 1, the caller's jobs start at 2; skip it with
# PBENCH_SLURM_CHECK_JOB=0) and waits for it to complete; last it prints the
# path of slurm.conf on stdout. On failure it prints the daemons' log tails to
# stderr, stops what it started and exits 1; exit 2 means Slurm or munge is
# not installed (scripts/setup.sh --slurm, or PBENCH_SLURM=1).
#
# Environment:
#   PBENCH_SLURMCTLD_PORT, PBENCH_SLURMD_PORT  ports to use (default: the first
#       free pair from 16817/16818 upwards, two apart each try)
#   PBENCH_SLURM_TIMEOUT      seconds `start` waits for an idle node and the
#                             check job (60)
#   PBENCH_SLURM_CPUS         CPUs of the node (default nproc)
#   PBENCH_SLURM_OWNER_PID    when set, a watcher stops the cluster once that
#                             process is gone (a test that crashes leaves nothing)
#
# Users: the daemons run as the caller (SlurmUser and SlurmdUser are set to
# them). As root, jobs of any user run; as an ordinary user (tried as nobody)
# the cluster starts and runs that user's own jobs only, since slurmstepd
# cannot change to another user. STATE_DIR's parents must be searchable by
# all (o+x) in both cases.
set -euo pipefail
# munged, slurmctld and slurmd live in /usr/sbin, which a non-login PATH may lack
PATH=$PATH:/usr/sbin:/sbin

self=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
prog=slurm_local
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    echo "usage: $0 {start|stop|status|env} STATE_DIR" >&2
    exit 64
}

[ $# -eq 2 ] || usage
cmd=$1
[ -n "$2" ] || usage
# An absolute path: slurm.conf and the daemons need one.
case $2 in
    /*) dir=$2 ;;
    *)  dir=$PWD/$2 ;;
esac
dir=${dir%/}
# slurm.conf has no quoting for paths with blanks; / itself would be wiped
case $dir in
    ''|*[[:space:]]*) echo "$0: STATE_DIR must be a directory below / without blanks: '$2'" >&2; exit 64 ;;
esac

conf=$dir/slurm.conf
run=$dir/run
logs=$dir/log
daemons=(slurmd slurmctld munged)   # stop order; started in reverse

pid_of() { # NAME: the recorded PID when that process is alive
    local f=$run/$1.pid p
    [ -f "$f" ] || return 1
    p=$(cat "$f" 2>/dev/null) || return 1
    [[ $p =~ ^[0-9]+$ ]] || return 1
    alive "$p" || return 1
    # the same program still (not a reused PID)
    case $1 in
        watch) [ "$(cat "/proc/$p/comm" 2>/dev/null)" = bash ] || return 1 ;;
        *)     [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ] || return 1 ;;
    esac
    echo "$p"
}

alive() { # PID: the process exists and is not a zombie (whose parent, init
          # here, may take its time to reap it)
    local st
    st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

tails() { # the daemons' last log lines, for a failure report
    local f
    for f in "$logs"/munged.log "$logs"/slurmctld.log "$logs"/slurmctld.stderr \
             "$logs"/slurmd.log "$logs"/slurmd.stderr; do
        [ -s "$f" ] || continue
        printf -- '--- tail of %s\n' "$f" >&2
        tail -n 25 "$f" >&2
    done
}

# Jobs still running when the daemons stop would leave slurmstepd and the job's
# processes behind (slurmstepd is not a child of slurmd): they are cancelled
# first, and any slurmstepd still holding this cluster's slurmd log open is
# killed after the daemons.
cancel_jobs() {
    local ids i
    [ -f "$conf" ] || return 0
    pid_of slurmctld >/dev/null || return 0
    ids=$(SLURM_CONF=$conf timeout 10 squeue -h -o '%A' -t PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED 2>/dev/null | sort -u) || return 0
    [ -n "$ids" ] || return 0
    # shellcheck disable=SC2086
    SLURM_CONF=$conf timeout 10 scancel $ids 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        [ -z "$(SLURM_CONF=$conf timeout 10 squeue -h -o '%A' 2>/dev/null)" ] && return 0
        sleep 0.2
    done
}

stepds() { # PIDs of the slurmstepd processes of this cluster (they hold its slurmd log open)
    local p fd
    for p in /proc/[0-9]*; do
        [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
        for fd in "$p"/fd/*; do
            if [[ $(readlink "$fd" 2>/dev/null) == "$logs"/* ]]; then
                echo "${p#/proc/}"
                break
            fi
        done
    done
}

stop_pids() { # NAME=PID...: TERM to all, KILL to those left after 5 s; waits
    local np left i rc=0
    for np in "$@"; do kill -TERM "${np#*=}" 2>/dev/null || true; done
    for ((i = 0; i < 100; i++)); do
        left=()
        for np in "$@"; do alive "${np#*=}" && left+=("$np"); done
        ((${#left[@]})) || return 0
        [ "$i" = 50 ] && for np in "${left[@]}"; do
            say "${np%%=*} (${np#*=}) did not stop on TERM within 5 s: killing it"
            kill -KILL "${np#*=}" 2>/dev/null || true
        done
        sleep 0.1
    done
    for np in "${left[@]}"; do say "${np%%=*} (${np#*=}) is still there after KILL"; rc=1; done
    return $rc
}

do_stop() {
    local name p q ok=0 slurm=()
    # the watcher first (unless it is the one stopping the cluster)
    if p=$(pid_of watch) && [ "$p" != "$$" ]; then
        kill -TERM "$p" 2>/dev/null || true
    fi
    rm -f "$run/watch.pid"
    cancel_jobs
    # slurmd and slurmctld together (about 1-2 s each), munged after them:
    # they use its socket until they exit
    for name in slurmd slurmctld; do
        p=$(pid_of "$name") && slurm+=("$name=$p")
    done
    ((${#slurm[@]} == 0)) || stop_pids "${slurm[@]}" || ok=1
    if p=$(pid_of munged); then
        stop_pids "munged=$p" || ok=1
    fi
    # a slurmstepd still there (its job could not be cancelled): it and its
    # job's processes, which share its session
    local sid own_sid members=()
    own_sid=$(ps -o sid= -p $$ | tr -d ' ')
    for p in $(stepds); do
        sid=$(ps -o sid= -p "$p" | tr -d ' ')
        members=("slurmstepd=$p")
        [ -n "$sid" ] && [ "$sid" -gt 1 ] && [ "$sid" != "$own_sid" ] && for q in $(ps -o pid= -s "$sid"); do
            [ "$q" != "$p" ] && members+=("job=$q")
        done
        say "slurmstepd $p of a job still running: stopping it and its session $sid"
        stop_pids "${members[@]}" || ok=1
    done
    rm -f "$run"/*.pid 2>/dev/null || true
    return $ok
}

port_free() { # PORT: nothing listens on 127.0.0.1:PORT
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_ports() {
    local c
    if [ -n "${PBENCH_SLURMCTLD_PORT:-}" ] || [ -n "${PBENCH_SLURMD_PORT:-}" ]; then
        ctld_port=${PBENCH_SLURMCTLD_PORT:-16817}
        slurmd_port=${PBENCH_SLURMD_PORT:-$((ctld_port + 1))}
        port_free "$ctld_port" || die "port $ctld_port (PBENCH_SLURMCTLD_PORT) is in use"
        port_free "$slurmd_port" || die "port $slurmd_port (PBENCH_SLURMD_PORT) is in use"
        return 0
    fi
    for ((c = 16817; c < 16917; c += 2)); do
        if port_free "$c" && port_free $((c + 1)); then
            ctld_port=$c
            slurmd_port=$((c + 1))
            return 0
        fi
    done
    die "no free port pair in 16817-16916 (set PBENCH_SLURMCTLD_PORT/PBENCH_SLURMD_PORT)"
}

write_conf() {
    local cpus mem_kb mem
    cpus=${PBENCH_SLURM_CPUS:-$(nproc)}
    mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
    # a little under the total: slurmd drains a node whose configured memory
    # is above what it finds itself
    mem=$((mem_kb * 95 / 100 / 1024))
    cat > "$conf" <<EOF
# Written by scripts/slurm_local.sh: a single-node cluster on loopback.
ClusterName=pbench
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.own.pid
SlurmdPidFile=$dir/run/slurmd.own.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# no systemd, no cgroups
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
ReturnToService=2
# finished jobs stay visible to squeue -t all and scontrol show job (no sacct)
MinJobAge=3600
KillWait=5
InactiveLimit=0
SlurmdTimeout=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
}

# Descriptors above 2 that the caller left open (a test's pipes) would be
# inherited by the daemons (munged keeps them) and hold the caller's pipes
# open for as long as the cluster runs: closed before anything starts. 255 is
# bash's own descriptor of this script.
close_fds() {
    local f n
    for f in "/proc/$$/fd"/*; do
        n=${f##*/}
        if [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 2 ] && [ "$n" != 255 ]; then
            eval "exec $n>&-" 2>/dev/null || true
        fi
    done
}

do_start() {
    local tool p name ping state t0 deadline
    close_fds
    for tool in munged slurmctld slurmd sbatch squeue scontrol sinfo scancel; do
        command -v "$tool" >/dev/null 2>&1 || {
            say "$tool not found: install Slurm and munge (PBENCH_SLURM=1 scripts/setup.sh, or scripts/setup.sh --slurm)"
            exit 2
        }
    done
    [[ ${PBENCH_SLURM_OWNER_PID:-1} =~ ^[0-9]+$ ]] ||
        die "PBENCH_SLURM_OWNER_PID is not a PID: $PBENCH_SLURM_OWNER_PID"
    [ "$(id -u)" = 0 ] || say "not root: only jobs of $(id -un) can run on this cluster"
    for name in "${daemons[@]}"; do
        if p=$(pid_of "$name"); then
            die "$name of $dir is already running (pid $p): stop it first"
        fi
    done
    t0=$(date +%s.%N)

    # a fresh state directory; the munge socket's parents must be searchable by all
    mkdir -p "$dir"
    chmod 711 "$dir"
    rm -rf "$dir/ctld" "$dir/spool" "$dir/munge" "$run" "$logs" "$dir/munge.key" "$dir/munged.seed" "$conf"
    mkdir -p "$dir/ctld" "$dir/spool" "$run" "$logs"
    mkdir -m 711 "$dir/munge"
    chmod 755 "$dir/ctld" "$dir/spool"
    local d=$dir
    while [ "$d" != / ] && [ -n "$d" ]; do
        d=$(dirname "$d")
        [ $(( 8#$(stat -c '%a' "$d") & 1 )) = 1 ] ||
            die "$d is not searchable by all (o+x): munged refuses a socket below it"
    done

    if command -v mungekey >/dev/null 2>&1; then
        mungekey --create --keyfile="$dir/munge.key" --bits=1024 >/dev/null
    else
        dd if=/dev/urandom of="$dir/munge.key" bs=128 count=1 status=none
    fi
    chmod 600 "$dir/munge.key"

    pick_ports
    write_conf

    # munged -F logs to stderr, not to --log-file
    setsid munged -F --socket="$dir/munge/munge.socket" --key-file="$dir/munge.key" \
        --pid-file="$run/munged.own.pid" --log-file="$logs/munged.log" \
        --seed-file="$dir/munged.seed" \
        </dev/null >>"$logs/munged.log" 2>&1 &
    echo $! > "$run/munged.pid"
    deadline=$(( $(date +%s) + 10 ))
    until [ -S "$dir/munge/munge.socket" ]; do
        if ! pid_of munged >/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            tails
            do_stop || true
            die "munged did not start (log: $logs/munged.log)"
        fi
        sleep 0.05
    done
    if ! munge -n -S "$dir/munge/munge.socket" 2>>"$logs/munged.log" |
         unmunge -S "$dir/munge/munge.socket" >/dev/null 2>>"$logs/munged.log"; then
        tails
        do_stop || true
        die "munge/unmunge round trip through $dir/munge/munge.socket failed"
    fi

    export SLURM_CONF=$conf
    setsid slurmctld -D -i -f "$conf" </dev/null >>"$logs/slurmctld.stderr" 2>&1 &
    echo $! > "$run/slurmctld.pid"
    setsid slurmd -D -N localhost -f "$conf" </dev/null >>"$logs/slurmd.stderr" 2>&1 &
    echo $! > "$run/slurmd.pid"

    deadline=$(( $(date +%s) + ${PBENCH_SLURM_TIMEOUT:-60} ))
    while :; do
        for name in "${daemons[@]}"; do
            if ! pid_of "$name" >/dev/null; then
                tails
                do_stop || true
                die "$name exited during start (logs in $logs)"
            fi
        done
        ping=$(timeout 5 scontrol ping 2>&1 || true)
        if [[ $ping == *UP* ]]; then
            state=$(timeout 5 sinfo -h -n localhost -o '%T' 2>/dev/null || true)
            [ "$state" = idle ] && break
        fi
        if [ "$(date +%s)" -ge "$deadline" ]; then
            say "scontrol ping: ${ping:-nothing}"
            say "sinfo node state: ${state:-unknown}"
            tails
            do_stop || true
            die "the node was not idle within ${PBENCH_SLURM_TIMEOUT:-60} s"
        fi
        sleep 0.2
    done

    # A first job end to end (munge credentials, slurmstepd, the job's
    # environment), which also gets past slurmctld's first scheduling pass,
    # some 3 s after it starts: the caller's first job then starts in ~1 s.
    if [ "${PBENCH_SLURM_CHECK_JOB:-1}" = 1 ]; then
        local jid
        # shellcheck disable=SC2016 # expanded by the job
        if ! jid=$(timeout 10 sbatch --parsable --job-name=slurm_local-check --chdir="$dir" \
                   --output="$logs/check.out" --wrap='echo "check job $SLURM_JOB_ID ran"' \
                   2>"$logs/check.sbatch.err"); then
            say "sbatch: $(cat "$logs/check.sbatch.err")"
            tails
            do_stop || true
            die "could not submit the check job"
        fi
        while :; do
            state=$(timeout 5 squeue -h -t all -j "$jid" -o '%T' 2>/dev/null || true)
            case $state in
                COMPLETED) break ;;
                FAILED|CANCELLED|TIMEOUT|NODE_FAIL|BOOT_FAIL|OUT_OF_MEMORY|DEADLINE|PREEMPTED)
                    say "the check job $jid ended $state"
                    tails
                    do_stop || true
                    die "a trivial job does not run on the cluster" ;;
            esac
            if [ "$(date +%s)" -ge "$deadline" ]; then
                say "the check job $jid is still ${state:-unknown}"
                tails
                do_stop || true
                die "a trivial job did not complete within ${PBENCH_SLURM_TIMEOUT:-60} s"
            fi
            sleep 0.1
        done
    fi

    if [ -n "${PBENCH_SLURM_OWNER_PID:-}" ]; then
        # shellcheck disable=SC2016 # expanded by the watcher
        setsid bash -c 'while [ -d "/proc/$1" ] && ! grep -q "^[0-9]* (.*) Z" "/proc/$1/stat" 2>/dev/null; do sleep 2; done; exec bash "$2" stop "$3"' \
            watch "$PBENCH_SLURM_OWNER_PID" "$self" "$dir" </dev/null >>"$logs/watch.log" 2>&1 &
        echo $! > "$run/watch.pid"
    fi
    say "up in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s (slurmctld port $ctld_port, slurmd port $slurmd_port)"
    echo "$conf"
}

do_status() {
    local name p rc=0
    for name in "${daemons[@]}"; do
        if p=$(pid_of "$name"); then
            echo "$name: running (pid $p)"
        else
            echo "$name: not running"
            rc=1
        fi
    done
    if p=$(pid_of watch); then
        echo "watch: running (pid $p)"
    fi
    [ -f "$conf" ] || { echo "no $conf"; return 1; }
    if [ $rc = 0 ]; then
        SLURM_CONF=$conf timeout 5 scontrol ping || rc=1
        SLURM_CONF=$conf timeout 5 sinfo -N -o '%N %T %c' || rc=1
    fi
    return $rc
}

case $cmd in
    start)  do_start ;;
    stop)   do_stop ;;
    status) do_status ;;
    env)    echo "export SLURM_CONF=$conf" ;;
    *)      usage ;;
esac
