package com.outageimpact;

import org.apache.spark.sql.SparkSession;

/**
 * One real Spark session ({@code local[2]}) shared by every test class in the test JVM: starting
 * Spark takes seconds, so tests never start or stop their own.
 */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSession.builder()
          .master("local[2]")
          .appName("outage-impact-tests")
          .config("spark.sql.shuffle.partitions", "4")
          .config("spark.default.parallelism", "4")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.session.timeZone", "UTC")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.adaptive.enabled", "true")
          .config("spark.sql.optimizer.canChangeCachedPlanOutputPartitioning", "true")
          // As the jobs' sessions: whole generated plan parts where the JVM compiles them (the
          // test JVMs get spark.jvm.flags); local, as the master above.
          .config(com.outageimpact.common.SparkJobs.HUGE_METHOD_LIMIT,
              com.outageimpact.common.SparkJobs.hugeMethodLimit(new org.apache.spark.SparkConf(false)))
          // The tests' runs share most of their generated classes (SparkJobs.CODEGEN_CACHE_ENTRIES).
          .config(com.outageimpact.common.SparkJobs.CODEGEN_CACHE_ENTRIES, com.outageimpact.common.SparkJobs.CODEGEN_CACHE_SIZE)
          .getOrCreate();
    }
    return session;
  }

  /**
   * Drops every cached table. Ingestion caches each input it reads until the caller releases it;
   * tests that ingest directly call this after each test, so that the shared session does not
   * carry their caches into every later query's cache lookup.
   */
  public static synchronized void dropCaches() {
    if (session != null) {
      session.catalog().clearCache();
    }
  }
}
