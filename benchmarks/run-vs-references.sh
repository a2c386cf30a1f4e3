#!/usr/bin/env bash
# Benchmark of issue 20: the whole `run` against two references doing the core of its work on the
# same files (benchmarks/duckdb_reference.py: DuckDB; PlainSparkReference: Spark SQL written the
# obvious way, default settings), at several sizes. Prints wall time and peak RSS of each and the
# ratios; asserts nothing (timings depend on the machine: run it on an otherwise idle one).
#   benchmarks/run-vs-references.sh [format] [workdir] [transactions...]
# e.g. benchmarks/run-vs-references.sh parquet /work/bench 10000000 30000000 100000000
#      benchmarks/run-vs-references.sh csv /work/bench 30000000
# A size's data is generated once (2,500 transactions per business) and reused by later calls.
# DRIVER_MEMORY (default 12g) is the heap of `run` and of the plain Spark job.
set -euo pipefail
cd "$(dirname "$0")/.."

format="${1:-parquet}"
work="${2:-target/bench}"
shift $(( $# < 2 ? $# : 2 ))
sizes=("$@")
(( ${#sizes[@]} )) || sizes=(10000000)
driver_memory="${DRIVER_MEMORY:-12g}"
python=notebooks/.venv/bin/python
"$python" -c 'import duckdb' 2>/dev/null || {
  echo "needs the notebooks' environment with duckdb: $python -m pip install duckdb" >&2
  exit 1
}
mkdir -p "$work"
mvn -B -q -Pbenchmarks -DskipTests test-compile

# Runs a command, keeping its log; sets seconds and gib (wall time, peak resident set).
measure() {
  local label="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.log" 2>&1 || {
    echo "$label failed; see $work/$label.log" >&2
    tail -20 "$work/$label.log" >&2
    exit 1
  }
  read -r seconds kib < "$work/$label.time"
  gib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1048576 }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }

echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), driver heap $driver_memory, $format"
printf '%-12s %-18s %-18s %-18s %-12s %-12s\n' transactions "run" "duckdb" "plain spark" "run/duckdb" "run/spark"
for n in "${sizes[@]}"; do
  data="$work/scenario-$n-$format"
  if [ ! -f "$data/incident.json" ]; then
    rm -rf "$data"
    businesses=$(( n / 2500 ))
    measure "generate-$n" mvn -B -q compile exec:exec -Djob=generate -Djob.driver.memory="$driver_memory" \
      -Dargs="--out $data --format $format --businesses $businesses --transactions $n --seed 1"
  fi
  rm -rf "$work/out-$n-$format"
  measure "run-$n-$format" mvn -B -q compile exec:exec -Djob=run -Djob.driver.memory="$driver_memory" \
    -Dargs="--data $data --out $work/out-$n-$format"
  run_s=$seconds run_g=$gib
  measure "duckdb-$n-$format" "$python" benchmarks/duckdb_reference.py "$data"
  duck_s=$seconds duck_g=$gib
  # The plain job as a user would start it: the module flags Spark needs and nothing of the jobs' own.
  measure "spark-$n-$format" env HEAP="$driver_memory" FLAGS_PROPERTY=spark.module.flags \
    benchmarks/evaluate.sh PlainSparkReference "$data"
  spark_s=$seconds spark_g=$gib
  printf '%-12s %-18s %-18s %-18s %-12s %-12s\n' "$n" "$run_s s, $run_g GiB" "$duck_s s, $duck_g GiB" \
    "$spark_s s, $spark_g GiB" "$(ratio "$run_s" "$duck_s")" "$(ratio "$run_s" "$spark_s")"
done
echo "stage times of each run: $work/out-*/manifest.json (stages); logs: $work/*.log"
