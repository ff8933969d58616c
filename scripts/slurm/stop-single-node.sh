#!/bin/bash
# Stops what scripts/slurm/start-single-node.sh started: cancels every job, waits for them to
# end, then stops slurmd and slurmctld by their PID files (SIGTERM: a clean stop). munged is
# left running (other tools may use it).
set -uo pipefail
if command -v scancel >/dev/null && squeue -h >/dev/null 2>&1; then
    scancel --full $(squeue -h -o '%A') 2>/dev/null || true
    for _ in $(seq 100); do [[ -z "$(squeue -h 2>/dev/null)" ]] && break; sleep 0.2; done
fi
for f in /run/slurm/slurmd.pid /run/slurm/slurmctld.pid; do
    if [[ -s "$f" ]]; then
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
done
