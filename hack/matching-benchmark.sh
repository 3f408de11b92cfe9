#!/usr/bin/env bash
# Times the matcher against SciPy, as issue 3 asks, and prints the comparison.
#
#   hack/matching-benchmark.sh
#
# Builds hack/matching-benchmark and runs it in a fresh process per programme size, so that each
# reports its own wall-clock seconds for one matching pass (matching.Match on the generated input, end
# to end) and its own peak memory. For 4,000 mentees × 2,000 mentors it also exports the pass's
# assignment problem, and SciPy's linear_sum_assignment solves the capacity-expanded matrix of that
# same problem in the same run (hack/matching-benchmark/scipy_assign.py, which times the assignment
# alone). The targets: at most half of SciPy's time for 4,000 × 2,000; under 3 s and 256 MiB for
# 10,000 participants. SciPy is not run on 10,000 participants: it takes minutes.
#
# Needs Debian's python3-scipy (/usr/bin/python3). Environment:
#   SEED       seed of the generated programmes (default 1)
#   LARGE      compositions of 10,000 participants, MENTEESxMENTORS (default "6000x4000 6667x3333 5000x5000")
#   RUNS       runs per size; the table shows the fastest (default 1)
set -euo pipefail

SEED=${SEED:-1}
LARGE=${LARGE:-"6000x4000 6667x3333 5000x5000"}
RUNS=${RUNS:-1}
PYTHON=/usr/bin/python3
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if ! "$PYTHON" -c 'import scipy.optimize' 2>/dev/null; then
  echo "matching-benchmark: SciPy is missing: apt-get install -y --no-install-recommends python3-scipy" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$ROOT" && go build -o "$work/matching-benchmark" ./hack/matching-benchmark)

# run SIZE [ARGS...] prints the fastest of RUNS fresh runs as one JSON line.
run() {
  local size=$1; shift
  local best=""
  for _ in $(seq "$RUNS"); do
    line=$("$work/matching-benchmark" -seed "$SEED" -mentees "${size%x*}" -mentors "${size#*x}" "$@")
    best=$(printf '%s\n%s\n' "$best" "$line" | "$PYTHON" -c '
import json, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
print(json.dumps(min(runs, key=lambda r: r["seconds"])))')
  done
  echo "$best"
}

echo "matching-benchmark: 4000x2000 (and export of its problem)" >&2
ours=$(run 4000x2000 -export "$work/problem.jsonl")
echo "matching-benchmark: SciPy on the same problem" >&2
scipy=$("$PYTHON" "$ROOT/hack/matching-benchmark/scipy_assign.py" "$work/problem.jsonl")
large=()
for size in $LARGE; do
  echo "matching-benchmark: $size" >&2
  large+=("$(run "$size")")
done

"$PYTHON" - "$ours" "$scipy" "${large[@]}" <<'EOF'
import json, sys

ours, scipy = json.loads(sys.argv[1]), json.loads(sys.argv[2])
large = [json.loads(a) for a in sys.argv[3:]]
row = "{:<24} {:>9} {:>9} {:>7} {:>8} {:>8} {:>8}"
print(row.format("programme", "ours (s)", "SciPy (s)", "ratio", "totals", "RSS MiB", "target"))
equal = "equal" if (ours["total"], ours["assigned"]) == (scipy["total"], scipy["assigned"]) else "DIFFER"
ratio = ours["seconds"] / scipy["seconds"]
print(row.format("4000 x 2000", f'{ours["seconds"]:.2f}', f'{scipy["seconds"]:.2f}', f"{ratio:.3f}", equal,
                 ours["maxRSSMiB"], "met" if ratio <= 0.5 and equal == "equal" else "MISSED"))
for r in large:
    met = r["seconds"] < 3 and r["maxRSSMiB"] < 256
    print(row.format(f'{r["mentees"]} x {r["mentors"]}', f'{r["seconds"]:.2f}', "-", "-", "-", r["maxRSSMiB"],
                     "met" if met else "MISSED"))
print(f'\nSciPy: total {scipy["total"]}, {scipy["assigned"]} assigned; ours: total {ours["total"]}, {ours["assigned"]} assigned.')
print("Targets: 4000 x 2000 in at most half of SciPy's time with the same optimum; 10,000 participants under 3 s and 256 MiB.")
EOF
