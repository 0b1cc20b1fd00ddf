#!/usr/bin/env bash
# The Slurm self-test: a real single-node Slurm on this machine runs the sharded extraction.
#
#   bash scripts/slurm/selftest.sh        # as root; scripts/test.sh runs it
#
# It installs slurm-wlm and munge with apt when they are missing, starts munged, slurmctld and
# slurmd with every file (key, socket, config, state, logs, pids) in a temporary directory and
# non-default ports, then:
#   1. submits extract-array.sbatch as a job array of N = 3 over the sample photos (one image
#      per shard file, so each committed image is a resume point) and merge.sbatch after it
#      with --dependency=afterok;
#   2. cancels array task 1 with scancel once it has committed an image, lets the other tasks
#      finish, cancels the merge job (its dependency can no longer be satisfied), resubmits task
#      1 alone (--array=1, SINKSCOPE_SHARDS=3: it resumes its shard store) and a new merge job;
#   3. compares the merged store with a single-process extract of the same photos, image by
#      image, byte for byte (compare_stores.py);
# and stops the daemons it started (by their pid files). Exit 0: passed; 77: skipped (the
# reason is printed: not root, no packages, daemons that cannot start); anything else: failed.
# Runtime: about a minute on 2 cores (24 DINOv2-S forward passes).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo="$PWD"
SKIPPED=77
say() { echo "slurm self-test: $*" >&2; }
skip() { echo "slurm self-test: SKIPPED: $*"; exit "$SKIPPED"; }

[ "$(id -u)" = 0 ] || skip "munged, slurmctld and slurmd are started as root here, and this runs as uid $(id -u)."

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge with apt-get"
    log="$(mktemp -t sinkscope-slurm-apt.XXXXXX.log)"
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge; } >"$log" 2>&1; then
        skip "slurm-wlm and munge are not installed and 'apt-get install slurm-wlm munge' failed: $(grep -E '^(E|Err):' "$log" | head -1) (log: $log)"
    fi
fi

binary="${SINKSCOPE_BINARY:-$repo/.build/release/sinkscope}"
[ -x "$binary" ] || { echo "slurm self-test: FAILED: no sinkscope binary at $binary (swift build -c release --product sinkscope)"; exit 1; }
photos="${SINKSCOPE_CACHE:-$HOME/.cache/sinkscope}/photos"
[ -d "$photos" ] || { echo "slurm self-test: FAILED: no sample photos in $photos (run scripts/setup.sh)"; exit 1; }

T="$(mktemp -d -t sinkscope-slurm.XXXXXX)"
chmod 755 "$T"
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log" "$T/parts" "$T/out"
chmod 755 "$T/munge"
export SLURM_CONF="$T/slurm.conf"

stop_daemons() {
    # Only what this script started, by the pids the daemons wrote.
    for pidfile in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munge/munged.pid"; do
        if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; fi
    done
    for pidfile in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munge/munged.pid"; do
        for _ in $(seq 50); do
            [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null || break
            sleep 0.1
        done
    done
}
finish() {
    status=$?
    stop_daemons
    if [ "$status" = 0 ] || [ -n "${SINKSCOPE_SLURM_KEEP:-}" ]; then
        [ -n "${SINKSCOPE_SLURM_KEEP:-}" ] && say "kept $T" || rm -rf "$T"
    else
        say "logs kept in $T/log"
    fi
}
trap finish EXIT
fail() {
    echo "slurm self-test: FAILED: $*"
    for f in "$T"/log/*; do [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
    exit 1
}

# --- munged: its own key, socket, pid, log and seed files ------------------------------------
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$T/munge/munge.key"
socket="$T/munge/munge.socket"
if ! munged --force --socket="$socket" --key-file="$T/munge/munge.key" --pid-file="$T/munge/munged.pid" \
        --log-file="$T/log/munged.log" --seed-file="$T/munge/munged.seed" 2>"$T/log/munged.stderr"; then
    skip "munged did not start: $(tail -n 1 "$T/log/munged.stderr") $(tail -n 1 "$T/log/munged.log" 2>/dev/null)"
fi
if ! munge -n -S "$socket" | unmunge -S "$socket" >/dev/null 2>"$T/log/unmunge.stderr"; then
    skip "munged started but does not answer on $socket: $(tail -n 1 "$T/log/unmunge.stderr")"
fi

# --- slurmctld and slurmd: one node with 2 CPUs, no cgroups, no accounting --------------------
host="$(hostname -s)"
port=$((20000 + RANDOM % 20000))
cat >"$SLURM_CONF" <<CONF
ClusterName=sinkscope-selftest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=selftest Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" 2>"$T/log/slurmctld.stderr" || skip "slurmctld did not start: $(tail -n 1 "$T/log/slurmctld.stderr") $(tail -n 1 "$T/log/slurmctld.log" 2>/dev/null)"
slurmd -f "$SLURM_CONF" 2>"$T/log/slurmd.stderr" || skip "slurmd did not start: $(tail -n 1 "$T/log/slurmd.stderr") $(grep -i error "$T/log/slurmd.log" 2>/dev/null | grep -v PMIx | tail -n 1)"
idle=""
for _ in $(seq 60); do
    if sinfo -h -o %T 2>/dev/null | grep -qx idle; then idle=1; break; fi
    sleep 0.5
done
[ -n "$idle" ] || skip "slurmctld and slurmd started but the node did not become idle within 30 s (sinfo: $(sinfo -h -o '%T %E' 2>&1 | head -1); slurmctld: $(grep -i error "$T/log/slurmctld.log" | tail -n 1))"
say "Slurm $(sinfo -V | awk '{print $2}') up: node $host idle, config $SLURM_CONF"

# --- the array, a kill, a resubmission, the merge ---------------------------------------------
export SINKSCOPE_IMAGES="$photos" SINKSCOPE_PARTS="$T/parts" SINKSCOPE_SHARDS=3 SINKSCOPE_STORE="$T/out/merged"
export SINKSCOPE_BINARY="$binary" SINKSCOPE_NO_PROGRESS=1 SINKSCOPE_EXTRACT_ARGS="--attention --shard-size 1 --batch 1"
submit() { sbatch --parsable --chdir="$T" "$@" | cut -d';' -f1; }
gone() { [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; }
wait_gone() {  # JOB SECONDS
    for _ in $(seq $(($2 * 5))); do gone "$1" && return 0; sleep 0.2; done
    return 1
}
images_in() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["images"]))' "$1/manifest.json" 2>/dev/null || echo 0; }

array=$(submit --array=0-2 --output="$T/log/extract-%A_%a.out" scripts/slurm/extract-array.sbatch) || fail "sbatch of the array failed"
merge=$(submit --dependency=afterok:"$array" --output="$T/log/merge-%j.out" scripts/slurm/merge.sbatch) || fail "sbatch of the merge job failed"
say "submitted array $array (3 tasks) and merge job $merge (afterok:$array)"

killed=""
# A task commits its manifest after each image (--shard-size 1): cancel task 1 as soon as its
# first commit appears (a cheap file test every 20 ms; a task takes under a second per image).
for _ in $(seq 15000); do
    if [ -f "$T/parts/shard-1/manifest.json" ]; then
        scancel "${array}_1" && killed=1
        break
    fi
    sleep 0.02
done
[ -n "$killed" ] || fail "array task 1 committed no image within 300 s"
before=$(images_in "$T/parts/shard-1")
wait_gone "$array" 300 || fail "array tasks 0 and 2 did not finish within 300 s"
[ "$(images_in "$T/parts/shard-1")" -lt 4 ] || fail "task 1 finished all its 4 images before scancel reached it (a slow scheduler); nothing was left to resume"
say "cancelled task ${array}_1 with $before of its 4 images committed; tasks 0 and 2 done"
reason=$(squeue -h -j "$merge" -o %r 2>/dev/null)
[ -e "$SINKSCOPE_STORE" ] && fail "the merge ran although task 1 was cancelled"
scancel "$merge" 2>/dev/null
say "merge job $merge held back (${reason:-gone}), cancelled"

retry=$(submit --array=1 --output="$T/log/extract-%A_%a.out" scripts/slurm/extract-array.sbatch) || fail "resubmitting task 1 failed"
merge=$(submit --dependency=afterok:"$retry" --output="$T/log/merge-%j.out" scripts/slurm/merge.sbatch) || fail "sbatch of the second merge job failed"
wait_gone "$merge" 300 || fail "the resubmitted task and the merge did not finish within 300 s"
[ -f "$SINKSCOPE_STORE/manifest.json" ] || fail "the merge job wrote no store: $(cat "$T"/log/merge-*.out 2>/dev/null | tail -n 3)"
resumed=$(grep -h "already stored" "$T/log/extract-${retry}_1.out" 2>/dev/null)
say "resubmitted task 1 as $retry: ${resumed:-no summary}"
say "merged: $(grep -h "merged" "$T"/log/merge-"$merge".out)"
echo "$resumed" | grep -q "; $before already stored" || fail "the resubmitted task did not resume from its $before committed images"

# --- the same photos in one process, compared image by image ---------------------------------
# With the tasks' --threads 1 --batch 1: OpenBLAS's sgemm is not row-split invariant on every CPU
# (on AMD Zen 1, 2 threads instead of 1 change hidden.0's last bits, batch 8 instead of 1 hidden.1's),
# so only the same split per image can be compared byte for byte.
"$binary" extract --model dinov2-small --images "$photos" --out "$T/out/single" --attention --threads 1 --batch 1 --quiet >"$T/log/single.out" 2>&1 \
    || fail "the single-process extract failed: $(tail -n 2 "$T/log/single.out")"
python3 scripts/slurm/compare_stores.py "$T/out/single" "$SINKSCOPE_STORE" || fail "the merged store differs from the single-process store"
echo "slurm self-test: passed (array of 3 on Slurm $(sinfo -V | awk '{print $2}'), task 1 cancelled after $before images and resumed, merged store identical to one process)"
