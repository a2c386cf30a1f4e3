package com.outageimpact.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * Spark keeps a plan part longer than HotSpot's 8000 bytes as one generated method only where
 * every JVM that runs it compiles such methods; elsewhere the limit stays at HotSpot's.
 */
class HugeMethodLimitTest {

  @Test
  void theTestJvmsCompileHugeMethodsAsTheJobsDo() {
    // surefire's argLine is spark.jvm.flags, the same flags the launchers give the jobs
    assertTrue(SparkJobs.compilesHugeMethods(), "the test JVM lacks " + SparkJobs.COMPILE_HUGE_METHODS);
    assertEquals(SparkJobs.SPARK_HUGE_METHOD, SparkJobs.hugeMethodLimit(new SparkConf(false)));
    assertEquals(SparkJobs.SPARK_HUGE_METHOD, SparkJobs.hugeMethodLimit(new SparkConf(false).set("spark.master", "local[2]")));
  }

  @Test
  void executorsWithoutTheFlagKeepHotSpotsLimit() {
    SparkConf cluster = new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077");
    assertEquals(SparkJobs.HOTSPOT_HUGE_METHOD, SparkJobs.hugeMethodLimit(cluster.clone()
        .set("spark.executor.extraJavaOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED")));
    assertEquals(SparkJobs.HOTSPOT_HUGE_METHOD, SparkJobs.hugeMethodLimit(cluster));
  }

  @Test
  void executorsWithTheFlagGetSparksLimit() {
    SparkConf withFlag = new SparkConf(false).set("spark.master", "spark://127.0.0.1:7077")
        .set("spark.executor.extraJavaOptions", "-Xss4m " + SparkJobs.COMPILE_HUGE_METHODS);
    assertEquals(SparkJobs.SPARK_HUGE_METHOD, SparkJobs.hugeMethodLimit(withFlag));
  }
}
