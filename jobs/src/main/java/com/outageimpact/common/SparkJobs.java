package com.outageimpact.common;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * How every job starts: parse options (or print help), build a session, run, and turn any
 * failure into a one-line reason on stderr and a non-zero exit code.
 */
public final class SparkJobs {

  /** A job's body, given a session and its parsed options. */
  @FunctionalInterface
  public interface Body {
    void run(SparkSession spark, JobOptions options) throws Exception;
  }

  private SparkJobs() {}

  /** Runs a job from {@code main}; never returns normally on failure (exit code 1, or 2 for usage). */
  public static void main(String appName, JobOptions options, String[] args, Body body) {
    try {
      options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(appName + ": " + e.getMessage());
      System.exit(2);
    }
    if (options.helpRequested()) {
      System.out.print(options.usage());
      return;
    }
    SparkSession spark = null;
    int exitCode = 0;
    try {
      spark = session(appName);
      body.run(spark, options);
    } catch (Throwable t) {
      System.err.println(appName + " failed: " + oneLine(t));
      exitCode = t instanceof IllegalArgumentException ? 2 : 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  private static final String ADAPTIVE_CACHED_PLANS = "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning";

  /**
   * The session: the master comes from spark-submit or {@code spark.master} when set, and is
   * {@code local[*]} otherwise (the embedded run). Time zone UTC, because every output is UTC.
   * Adaptive execution also for persisted plans, unless the user set it.
   */
  public static SparkSession session(String appName) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName).config(conf);
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
    }
    if (!conf.contains(ADAPTIVE_CACHED_PLANS)) {
      // The jobs persist small intermediate tables (report counts, scored series); without this,
      // adaptive execution skips them and their shuffles keep all 200 default partitions, which
      // made detection on the sample three times slower than its work.
      builder.config(ADAPTIVE_CACHED_PLANS, "true");
    }
    return builder
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        .getOrCreate();
  }

  /** The most useful single line of a failure: our own messages first, else the root cause. */
  public static String oneLine(Throwable t) {
    Throwable cause = t;
    while (cause != null) {
      if (cause instanceof InputException || cause instanceof IllegalArgumentException) {
        return cause.getMessage().replace('\n', ' ');
      }
      cause = cause.getCause();
    }
    Throwable root = Failures.rootCause(t);
    return root.getClass().getSimpleName() + ": " + Failures.firstLine(root);
  }
}
