#!/bin/bash
# Starts a single-node Slurm (slurmctld + slurmd + munge) on this machine, for the batch
# job-array test and for trying scripts/slurm/batch-array.sbatch. Needs root. Installs
# Debian's slurmctld, slurmd, slurm-client and munge when they are missing. Idempotent: when
# the node already answers idle, it only says so. Works without systemd and cgroups
# (proctrack/linuxproc, task/none). Stop with scripts/slurm/stop-single-node.sh.
set -euo pipefail

log() { echo "slurm-single-node: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "must run as root (it installs packages and writes /etc/slurm)"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    log "installing slurmctld slurmd slurm-client munge"
    export DEBIAN_FRONTEND=noninteractive
    pkgs=(slurmctld slurmd slurm-client munge)
    apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null; } \
        || fail "apt-get could not install ${pkgs[*]}"
fi

host=$(hostname -s)

node_state() { sinfo -h -n "$host" -o '%T' 2>/dev/null | head -n1 || true; }

state=$(node_state)
if [[ "$state" == idle* || "$state" == mixed* || "$state" == allocated* ]]; then
    log "already running (node $host $state)"
    exit 0
fi

# munge: its directories (/run/munge is gone after a reboot), a key, the daemon.
for d in /etc/munge /var/lib/munge /var/log/munge /run/munge; do
    mkdir -p "$d"; chown munge:munge "$d"
done
chmod 0700 /etc/munge /var/lib/munge /var/log/munge; chmod 0755 /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    mungekey --create --keyfile=/etc/munge/munge.key >/dev/null 2>&1 || fail "mungekey could not create a key"
    chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged </dev/null >/dev/null 2>&1 || fail "munged did not start"
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.2; done
    munge -n | unmunge >/dev/null 2>&1 || fail "munge self-test (munge -n | unmunge) failed"
fi

# slurm.conf for one node without cgroups; the node line as slurmd -C prints it.
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /run/slurm /var/log/slurm
nodeline=$(slurmd -C | head -n1)
[[ "$nodeline" == NodeName=* ]] || fail "slurmd -C printed no node line: $nodeline"
cat > /etc/slurm/slurm.conf <<CONF
# Written by scripts/slurm/start-single-node.sh (AnchorReg): a single-node Slurm for tests.
ClusterName=anchorreg
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
$nodeline
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

pid_alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
# -c: a cold start without the saved state (avoids a phantom job after an unclean stop).
pid_alive /run/slurm/slurmctld.pid || slurmctld -c </dev/null >/dev/null 2>&1 || fail "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
pid_alive /run/slurm/slurmd.pid || slurmd </dev/null >/dev/null 2>&1 || fail "slurmd did not start (see /var/log/slurm/slurmd.log)"

for i in $(seq 120); do
    state=$(node_state)
    case "$state" in
        idle*|mixed*|allocated*) log "ready (node $host $state)"; exit 0 ;;
        down*|drain*) scontrol update NodeName="$host" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
done
log "last node state: '${state}'"
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 2>/dev/null || true
fail "the node did not become idle within 60 s"
