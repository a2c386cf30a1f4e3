#!/usr/bin/env bash
# Runs one of the evaluation programs in the test sources (they print figures and assert
# nothing) with the test classpath and the Java flags Spark needs, e.g.
#   benchmarks/evaluate.sh impact.PlaceboEvaluation ../shared/data/nab 60 1
#   benchmarks/evaluate.sh impact.ImpactEvaluation /tmp/eval 101 20
#   benchmarks/evaluate.sh detect.DetectionEvaluation /tmp/eval 1 20
# The class is relative to com.outageimpact. HEAP (default 8g) sets the JVM's heap.
set -euo pipefail
cd "$(dirname "$0")/.."
class="com.outageimpact.$1"
shift
mvn -B -q test-compile
classpath_file=jobs/target/evaluation.classpath
mvn -B -q -pl jobs dependency:build-classpath -Dmdep.outputFile="$PWD/$classpath_file" -Dmdep.includeScope=test
flags=$(mvn -B -q help:evaluate -Dexpression=spark.module.flags -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
# shellcheck disable=SC2086  # the flags are a space-separated list
exec java -Xmx"${HEAP:-8g}" $flags -Dlog4j2.configurationFile=jobs/src/test/resources/log4j2-test.properties \
  -cp "jobs/target/test-classes:jobs/target/classes:$(cat "$classpath_file")" "$class" "$@"
