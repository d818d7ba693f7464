#!/usr/bin/env bash
# Runs the README's Slurm recipe as written on a real one-node Slurm cluster started
# here, and checks that the merged report is the whole run's, byte for byte.
#
# Installs Debian's slurm-wlm and munge when missing (as root, with apt), then starts
# munged, slurmctld and slurmd by hand from a scratch folder (their config, keys,
# state, logs and pid files all in it; no systemd, no cgroups), waits for the node,
# submits the README's job script (`<!-- recipe: slurm-script -->`) with the README's
# submission commands (`<!-- recipe: slurm-submit -->`), and stops the daemons on exit.
# Every wait is bounded. Usage: bash batch/slurm/test.sh
set -euo pipefail
# shellcheck source=batch/lib.sh
source "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || fail "run as root: slurmd starts jobs as their users"
need sbatch slurm-wlm munge
need munged munge
herald_on_path

dir=$(scratch slurm)
conf=$dir/slurm
mkdir -p "$conf/state" "$conf/spool"
pids=()
cleanup() {
    local status=$?
    stop_pids "${pids[@]}"
    keep_on_failure "$status" "$dir" "$conf"/*.log "$dir"/*.log
}
trap cleanup EXIT

# munge, with a key of our own and its socket in the scratch folder.
head -c 1024 /dev/urandom >"$conf/munge.key"
chmod 600 "$conf/munge.key"
munged --foreground --force --key-file="$conf/munge.key" --socket="$conf/munge.sock" \
    --pid-file="$conf/munged.pid" --log-file="$conf/munged.log" --seed-file="$conf/munged.seed" \
    >"$conf/munged.out" 2>&1 &
pids+=($!)
wait_for 20 "munged's socket" test -S "$conf/munge.sock"

# One node, `localhost`, in one partition, declared with 32 CPUs so that all M=8 tasks
# of 4 CPUs (the README's --cpus-per-task) run at once (config_overrides trusts the
# file, not the hardware: the slices are small; one at a time, Slurm's scheduler takes
# 3 s between them). No cgroups: processes are tracked through /proc, tasks not bound.
host=$(hostname -s)
cat >"$conf/slurm.conf" <<EOF
ClusterName=herald
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${HERALD_SLURMCTLD_PORT:-16817}
SlurmdPort=${HERALD_SLURMD_PORT:-16818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$conf/munge.sock
StateSaveLocation=$conf/state
SlurmdSpoolDir=$conf/spool
SlurmctldPidFile=$conf/slurmctld.pid
SlurmdPidFile=$conf/slurmd.pid
SlurmctldLogFile=$conf/slurmctld.log
SlurmdLogFile=$conf/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=32 RealMemory=1024 State=UNKNOWN
PartitionName=batch Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$conf/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" >"$conf/slurmctld.out" 2>&1 &
pids+=($!)
wait_for 30 "slurmctld to answer" scontrol ping
slurmd -D -N localhost -f "$SLURM_CONF" >"$conf/slurmd.out" 2>&1 &
pids+=($!)
node_idle() { [ "$(sinfo -h -n localhost -o %t)" = idle ]; }
wait_for 60 "the node to be idle (sinfo -n localhost)" node_idle
say "slurm is up: $(sinfo -h -o '%P %D %t %c CPUs')"

# The README's job script, as users copy it, and its submission, run as written in the
# folder holding the scenario (every wait in it bounded by `timeout`).
recipe slurm-script >"$dir/shards.sh"
submit=$(recipe slurm-submit)
say "submitting the README's job script with FILE=$FILE N=$N M=$M"
(cd "$dir" && timeout 300 bash -euo pipefail -c "$submit" >&2) ||
    fail "the README's Slurm recipe failed (or took more than 300 s)"
compare_with_whole_run "$dir"
