package com.outageimpact;

import com.outageimpact.common.JobOptions;
import com.outageimpact.common.SparkJobs;
import org.apache.spark.sql.SparkSession;

/** The main job (work in progress: being built in this change). */
public final class RunJob {
  private RunJob() {}

  public static JobOptions options() {
    return new JobOptions("run", "Ingest, analyse and publish an outage's impact.")
        .option("data", null, "folder holding the inputs under their contract names")
        .option("out", "out", "output folder");
  }

  public static void main(String[] args) {
    SparkJobs.main("run", options(), args, (spark, options) -> run(spark, options));
  }

  public static void run(SparkSession spark, JobOptions options) {
    throw new UnsupportedOperationException("not yet built");
  }
}
