package com.outageimpact.generate;

import com.outageimpact.common.JobOptions;
import com.outageimpact.common.SparkJobs;

/** Placeholder while the generator is being written in this change. */
public final class GenerateJob {
  private GenerateJob() {}

  public static void main(String[] args) {
    SparkJobs.main("generate", new JobOptions("generate", "Generate a scenario."), args, (spark, options) -> {
      throw new UnsupportedOperationException("not yet built");
    });
  }
}
