#!/usr/bin/env bash
# Runs one of the evaluation programs of the benchmarks module (benchmarks/src/main/java: they
# print figures and assert nothing) with the Java flags Spark needs, e.g.
#   benchmarks/evaluate.sh impact.PlaceboEvaluation ../shared/data/nab 60 1
#   benchmarks/evaluate.sh impact.ImpactEvaluation /tmp/eval 101 20
#   benchmarks/evaluate.sh detect.DetectionEvaluation /tmp/eval 1 20
# The class is relative to com.outageimpact. HEAP (default 8g) sets the JVM's heap; FLAGS_PROPERTY
# (default spark.jvm.flags, the jobs' own) the pom property its JVM flags come from.
# It compiles in this tree: do not edit the tree while an evaluation starts.
set -euo pipefail
cd "$(dirname "$0")/.."
class="com.outageimpact.$1"
shift
# Compiles the jobs (main and test helpers) and the evaluations; the helpers are read from
# jobs/target/test-classes, as the reactor resolves the test-jar before packaging.
mvn -B -q -Pbenchmarks test-compile
classpath_file=jobs/target/evaluation.classpath
mvn -B -q -pl jobs dependency:build-classpath -Dmdep.outputFile="$PWD/$classpath_file" -Dmdep.includeScope=test
flags=$(mvn -B -q help:evaluate -Dexpression="${FLAGS_PROPERTY:-spark.jvm.flags}" -DforceStdout | sed "s/\x1b\[[0-9;]*m//g")
# shellcheck disable=SC2086  # the flags are a space-separated list
exec java -Xmx"${HEAP:-8g}" $flags -Dlog4j2.configurationFile=jobs/src/test/resources/log4j2-test.properties \
  -cp "benchmarks/target/classes:jobs/target/test-classes:jobs/target/classes:$(cat "$classpath_file")" "$class" "$@"
