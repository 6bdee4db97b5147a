#!/usr/bin/env bash
# docs/cluster/ on a real Slurm: installs Debian's Slurm and MUNGE, runs
# them as a one-node cluster on this machine (root needed), submits
# docs/cluster/sweep.sbatch as a 4-task array and docs/cluster/merge.sbatch
# with --dependency=afterok on it, waits, and checks that the merged sweep
# is byte for byte the one-machine sweep (the manifests equal but for the
# command and the times). Stops the daemons it started, whatever happens.
#
#   npm run build && sudo test/e2e/slurm.sh      # KEEP=1 keeps its folders
#
# Not part of `npm test`: it installs system packages and starts daemons.
set -euo pipefail
began=$(date +%s)
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/shakeout-slurm-XXXXXX)
state=$work/slurm
mkdir -p "$state/ctld" "$state/d" "$state/log" "$work/bin"
# MUNGE runs as its own user: it must reach its folder.
chmod 755 "$work" "$state"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

# ---- MUNGE and a one-node Slurm, all state under $work ----
node=$(hostname -s)
cpus=$(nproc)
memory=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
conf=$state/slurm.conf
cat > "$conf" <<CONF
ClusterName=shakeout-e2e
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=600
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$conf

munge_dir=$state/munge
mkdir -p "$munge_dir"
chown munge:munge "$munge_dir"
stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for pid_file in "$state/slurmctld.pid" "$state/slurmd.pid" "$munge_dir/munged.pid"; do
    [ -s "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
  done
  sleep 1
  # The folders, unless asked to keep them to look into a failure.
  [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"
}
trap stop EXIT
runuser -u munge -- munged --socket="$munge_dir/munge.socket" --pid-file="$munge_dir/munged.pid" --seed-file="$munge_dir/munged.seed" --log-file="$munge_dir/munged.log"
# Slurm's daemons and commands find MUNGE's socket through its plugin option.
echo "AuthInfo=socket=$munge_dir/munge.socket" >> "$conf"
slurmctld -f "$conf"
slurmd -f "$conf"
for _ in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -qx idle && break
  sleep 1
done
sinfo -h -o '%T' | grep -qx idle || { echo "the node did not come up:"; tail -20 "$state/log/"*.log; exit 1; }

# ---- the documented submission, as docs/cluster.md gives it ----
printf '#!/bin/sh\nexec node "%s/dist/sim/cli/main.js" "$@"\n' "$repo" > "$work/bin/shakeout"
chmod +x "$work/bin/shakeout"
export PATH="$work/bin:$PATH" RUNS=20 MONTHS=13
mkdir -p "$work/run/scenarios"
cp "$repo/scenarios/minimal.yaml" "$work/run/scenarios/"
cd "$work/run"
# This machine's one node is smaller than the scripts ask for: the command line overrides their #SBATCH lines.
array=$(sbatch --parsable --array=1-4 --cpus-per-task=1 --mem=1G "$repo/docs/cluster/sweep.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --mem=1G "$repo/docs/cluster/merge.sbatch")
echo "submitted the array $array and the merge $merge"
for _ in $(seq 600); do
  status=$(scontrol show job "$merge" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$status" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  sleep 1
done
echo "merge job: $status"
if [ "$status" != COMPLETED ]; then
  tail -n 5 shakeout-*.out "$state/log/"*.log || true
  exit 1
fi

# ---- the one-machine sweep, and the comparison ----
shakeout sweep scenarios/minimal.yaml --set classes.small.hazard=0.005,0.01,0.02,0.03 --set providers.budget.price=0.4,0.8 \
  --metric hhi.tokens@end --metric startups.alive@end --runs "$RUNS" --months "$MONTHS" --out one --quiet
node - "$work/run/results/sweep-minimal" "$work/run/one" <<'JS'
const fs = require('fs');
const path = require('path');
const [merged, one] = process.argv.slice(2);
const list = (dir) => fs.readdirSync(dir, { recursive: true }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
const a = list(merged);
const b = list(one);
if (a.join('\n') !== b.join('\n')) throw new Error(`different files:\n${a.join(' ')}\n${b.join(' ')}`);
for (const f of b) {
  const x = fs.readFileSync(path.join(merged, f));
  const y = fs.readFileSync(path.join(one, f));
  if (path.basename(f) === 'manifest.json') {
    const strip = (m) => JSON.stringify({ ...JSON.parse(m), command: 0, createdAt: 0, wallTimeSeconds: 0 });
    if (strip(x) !== strip(y)) throw new Error(`${f}: the manifests differ beyond the command and the times`);
  } else if (!x.equals(y)) throw new Error(`${f} differs`);
}
console.log(`the merged sweep is the one-machine sweep: ${b.length} files, byte for byte`);
JS
echo "passed in $(( $(date +%s) - began )) s"
