package com.outageimpact;

import com.outageimpact.ingest.IngestedData;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * One real Spark context ({@code local[2]}) for every test class in the test JVM: starting Spark
 * takes seconds, so tests never start or stop their own. Test classes run two at a time in that
 * JVM (junit.jupiter.execution.parallel in jobs/pom.xml), so each thread gets a session of its
 * own over the shared context: its own SQL settings (a test that sets one does not change the
 * other class's queries), the same cache of generated classes and the same compiled code.
 */
public final class SparkTestSession {

  private static SparkSession root;
  private static final ThreadLocal<SparkSession> OWN = new ThreadLocal<>();
  private static final ThreadLocal<List<IngestedData>> INGESTED = ThreadLocal.withInitial(ArrayList::new);

  private SparkTestSession() {}

  /** This thread's session (the active one on it), over the JVM's one Spark context. */
  public static SparkSession get() {
    SparkSession own = OWN.get();
    if (own == null) {
      own = root().newSession();
      OWN.set(own);
    }
    SparkSession.setActiveSession(own);
    return own;
  }

  private static synchronized SparkSession root() {
    if (root == null) {
      // Settings given here go into the context's conf, so every session made from it starts with them.
      root = SparkSession.builder()
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
    return root;
  }

  /**
   * {@code data}, to be released by {@link #releaseIngested} on this thread. Ingestion caches each
   * input it reads until the caller releases it; tests that ingest directly hand what they ingest
   * here, so that the shared context does not carry their caches into every later query's cache
   * lookup. (Dropping every cached table instead would drop the other running class's too.)
   */
  public static IngestedData releasedAfterTest(IngestedData data) {
    INGESTED.get().add(data);
    return data;
  }

  /** Releases what this thread's tests handed to {@link #releasedAfterTest}. */
  public static void releaseIngested() {
    List<IngestedData> ingested = INGESTED.get();
    ingested.forEach(IngestedData::release);
    ingested.clear();
  }
}
