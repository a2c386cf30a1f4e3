package com.outageimpact.common;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every job starts: parse options (or print help), build a session, run, and turn any
 * failure into a one-line reason on stderr and a non-zero exit code.
 */
public final class SparkJobs {

  private static final Logger LOG = LoggerFactory.getLogger(SparkJobs.class);

  /** A job's body, given a session and its parsed options. */
  @FunctionalInterface
  public interface Body {
    void run(SparkSession spark, JobOptions options) throws Exception;
  }

  /** What a job checks before any Spark work: its inputs are there, its output folder can be written. */
  @FunctionalInterface
  public interface EarlyChecks {
    void check(JobOptions options, Configuration hadoopConf);
  }

  private SparkJobs() {}

  /** Runs a job with no checks of its own before the session starts. */
  public static void main(String appName, JobOptions options, String[] args, Body body) {
    main(appName, options, args, (o, conf) -> {}, body);
  }

  /**
   * Runs a job from {@code main}; never returns normally on failure. Exit code 2 when the options
   * or the inputs are at fault (usage, a missing or bad input, an output folder that cannot be
   * written), 1 for anything else. Either way one line on stderr says why; the stack trace goes
   * to the log at DEBUG (the embedded runs' log configuration sends it to a file).
   */
  public static void main(String appName, JobOptions options, String[] args, EarlyChecks checks, Body body) {
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
      // Before the session: a missing input or an unwritable --out is said in a second, not after
      // Spark has started and ingested everything else.
      checks.check(options, hadoopConfiguration(new SparkConf()));
      spark = session(appName);
      body.run(spark, options);
    } catch (Throwable t) {
      System.err.println(appName + " failed: " + oneLine(t));
      LOG.debug("{} failed", appName, t);
      exitCode = isInputOrUsageError(t) ? 2 : 1;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  /** The master when neither spark-submit nor {@code spark.master} gives one: the embedded run. */
  private static final String DEFAULT_MASTER = "local[*]";

  private static final String ADAPTIVE_CACHED_PLANS = "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning";

  /**
   * Spark falls back from whole-stage code generation for a plan part whose generated method is
   * longer than this many bytes of bytecode (its default: 65535). HotSpot leaves methods over 8000
   * bytes to the interpreter unless started with {@value #COMPILE_HUGE_METHODS}, and the ingest
   * checks make such a method: profiled on 10 million transactions, 32% of the run's samples were
   * that one method, interpreted. So the limit follows what the JVMs that run the code do
   * ({@link #hugeMethodLimit}).
   */
  public static final String HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit";

  /**
   * The JVM flag that lets HotSpot compile methods over 8000 bytes of bytecode. The jobs' JVM flags
   * ({@code spark.jvm.flags} in the pom) carry it, so that whole plan parts stay generated as one
   * method: on 30 million CSV transactions the checking stage's method is 12,143 bytes, and
   * {@code ingest.transactions} took 190 and 157 s with it against 254 and 239 s broken into one
   * compiled expression at a time (two pairs of runs, docs/benchmarks.md).
   */
  public static final String COMPILE_HUGE_METHODS = "-XX:-DontCompileHugeMethods";

  /** HotSpot's own limit: longer methods are never compiled without {@value #COMPILE_HUGE_METHODS}. */
  static final String HOTSPOT_HUGE_METHOD = "8000";

  /** Spark's own default for {@value #HUGE_METHOD_LIMIT}. */
  static final String SPARK_HUGE_METHOD = "65535";

  /**
   * {@value #HUGE_METHOD_LIMIT} for a session of {@code conf}: Spark's default when this JVM
   * compiles huge methods and so do the executors (the same JVM in local mode, the default master;
   * elsewhere, when their {@code spark.executor.extraJavaOptions} carry
   * {@value #COMPILE_HUGE_METHODS}); else HotSpot's limit, so that no generated method is left to
   * the interpreter.
   */
  public static String hugeMethodLimit(SparkConf conf) {
    String master = conf.get("spark.master", DEFAULT_MASTER);
    boolean local = master.equals("local") || master.startsWith("local[");
    boolean executorsCompile = local
        || conf.get("spark.executor.extraJavaOptions", "").contains(COMPILE_HUGE_METHODS);
    return compilesHugeMethods() && executorsCompile ? SPARK_HUGE_METHOD : HOTSPOT_HUGE_METHOD;
  }

  /** Whether this JVM compiles methods over 8000 bytes; false on a JVM that does not say. */
  static boolean compilesHugeMethods() {
    try {
      return "false".equals(java.lang.management.ManagementFactory
          .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .getVMOption("DontCompileHugeMethods").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * How many generated classes Spark keeps compiled. Its default (100) is far below what one run
   * generates (about 750 distinct classes on the sample), so a run compiled some of them again, and
   * every later run in the same JVM (the tests share one session) compiled nearly all of them
   * again: about 880 compilations of 8 to 16 ms each per run. With room for them, a second run on the
   * same scenario compiled 20 and took 16.3 s instead of 19.1 (docs/benchmarks.md).
   */
  public static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";

  /** Room for every class of a few runs' worth of plans. */
  public static final String CODEGEN_CACHE_SIZE = "4000";

  /**
   * The session: the master comes from spark-submit or {@code spark.master} when set, and is
   * {@code local[*]} otherwise (the embedded run). Time zone UTC, because every output is UTC.
   * Adaptive execution also for persisted plans, no generated method too long for the JIT
   * compiler to compile ({@link #hugeMethodLimit}) and room for every generated class
   * ({@link #CODEGEN_CACHE_ENTRIES}), unless the user set them.
   */
  public static SparkSession session(String appName) {
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder().appName(appName).config(conf);
    if (!conf.contains("spark.master")) {
      builder.master(DEFAULT_MASTER);
    }
    if (!conf.contains(ADAPTIVE_CACHED_PLANS)) {
      // The jobs persist small intermediate tables (report counts, scored series); without this,
      // adaptive execution skips them and their shuffles keep all 200 default partitions, which
      // made detection on the sample three times slower than its work.
      builder.config(ADAPTIVE_CACHED_PLANS, "true");
    }
    if (!conf.contains(HUGE_METHOD_LIMIT)) {
      builder.config(HUGE_METHOD_LIMIT, hugeMethodLimit(conf));
    }
    if (!conf.contains(CODEGEN_CACHE_ENTRIES)) {
      builder.config(CODEGEN_CACHE_ENTRIES, CODEGEN_CACHE_SIZE);
    }
    return builder
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        .getOrCreate();
  }

  /** Exit code 2: the cause is the user's options or inputs (our own messages say which). */
  static boolean isInputOrUsageError(Throwable t) {
    for (Throwable cause = t; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof InputException || cause instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The Hadoop configuration the session will have, without starting it: Hadoop's defaults plus
   * the {@code spark.hadoop.*} settings.
   */
  static Configuration hadoopConfiguration(SparkConf conf) {
    Configuration hadoopConf = new Configuration();
    for (scala.Tuple2<String, String> setting : conf.getAll()) {
      if (setting._1().startsWith("spark.hadoop.")) {
        hadoopConf.set(setting._1().substring("spark.hadoop.".length()), setting._2());
      }
    }
    return hadoopConf;
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
