#!/usr/bin/env bash
# Benchmark: generate a scenario of N transactions, then ingest it with the run job, and print
# the wall time and peak memory (max resident set of the job JVM) of each step.
#   benchmarks/generate-and-ingest.sh [transactions] [format] [workdir]
# e.g. benchmarks/generate-and-ingest.sh 50000000 parquet /work/bench
# Prints figures; asserts nothing (timings depend on the machine).
set -euo pipefail
cd "$(dirname "$0")/.."

transactions="${1:-5000000}"
format="${2:-parquet}"
work="${3:-target/bench}"
driver_memory="${DRIVER_MEMORY:-16g}"
businesses=$(( transactions / 2500 ))
(( businesses < 200 )) && businesses=200

mkdir -p "$work"
data="$work/scenario-$transactions-$format"
out="$work/out-$transactions-$format"
rm -rf "$data" "$out"
mvn -B -q -DskipTests compile

measure() {
  local label="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.log" 2>&1 || {
    echo "$label failed; see $work/$label.log" >&2
    tail -20 "$work/$label.log" >&2
    exit 1
  }
  read -r seconds kib < "$work/$label.time"
  printf '%-10s wall %8.1f s   peak RSS %6.2f GiB\n' "$label" "$seconds" "$(awk -v k="$kib" 'BEGIN { print k / 1048576 }')"
}

echo "scenario: $transactions transactions, $businesses businesses, $format, driver heap $driver_memory, $(nproc) cores"
measure generate mvn -B -q compile exec:exec -Djob=generate -Djob.driver.memory="$driver_memory" \
  -Dargs="--out $data --format $format --businesses $businesses --transactions $transactions --seed 1"
du -sh "$data/transactions" | awk '{print "transactions on disk: " $1}'
measure ingest mvn -B -q exec:exec -Djob=run -Djob.driver.memory="$driver_memory" \
  -Dargs="--data $data --out $out"
python3 - "$out/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
t = m["inputs"]["transactions"]
print(f"transactions: read {t['read']:,} accepted {t['accepted']:,} rejected {t['rejected']:,} duplicates {t['duplicates']:,}")
for s in m["stages"]:
    print(f"  stage {s['name']:<28} {s['seconds']:8.1f} s")
PY
