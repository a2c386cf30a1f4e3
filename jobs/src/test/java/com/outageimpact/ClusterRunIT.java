package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.generate.GenerateJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code run} job on a real Spark standalone cluster: a Master and a Worker as separate JVMs
 * on 127.0.0.1, started from the Maven jars (a SPARK_HOME whose jars/ the build fills), the
 * packaged job jar submitted with SparkSubmit in client mode, as {@code spark-submit} would.
 * Its outputs must equal the embedded (local[2]) run's on the same generated scenario, once
 * plainly and once with the executor JVM killed while the transactions are worked on: the first
 * of the job that prepares them (parse, check, de-duplicate, keep) and the impact's aggregation
 * of them seen running. The preparation comes first and is the longer, so the kill lands there.
 *
 * <p>Both cluster runs use Kryo (a common cluster default): values that only Java serialization
 * handles show here, because on a cluster broadcasts and cached blocks really are deserialized
 * in another JVM; in local mode they never leave the driver.
 *
 * <p>Run by failsafe in {@code mvn -B verify} (skip with {@code -DskipITs}); every wait has a
 * deadline, the processes it starts are destroyed by their ids (with their descendants), and the
 * child JVMs' logs are under {@code target/cluster-it/} (their tails are printed on failure).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRunIT {

  /**
   * The whole test, generation to teardown, must fit in this. Measured at 10 to 15 minutes on
   * 2 cores with load averages of 6 to 11 (other builds running); a quiet machine should need
   * far less, but that was not measured.
   */
  private static final Duration WHOLE_TEST = Duration.ofMinutes(30);
  private static final Duration WORKER_REGISTRATION = Duration.ofSeconds(120);
  private static final Duration ONE_RUN = Duration.ofMinutes(10);
  /**
   * Doubles are equal within 1e-6 absolute or 1e-9 relative: a cluster splits and orders the
   * partial sums differently from the embedded run (one executor core and its own task order
   * against local[2]), and floating addition is not associative, so the last bits can differ.
   * Money kept as decimals, counts, ids and flags must be exactly equal.
   */
  static final double ABSOLUTE_TOLERANCE = 1e-6;
  static final double RELATIVE_TOLERANCE = 1e-9;
  private static final String AGGREGATION = "impact: transaction aggregation for ";

  private static final Instant STARTED = Instant.now();
  private static final Instant DEADLINE = STARTED.plus(WHOLE_TEST);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).followRedirects(HttpClient.Redirect.NORMAL)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final List<Started> STARTED_PROCESSES = new CopyOnWriteArrayList<>();
  private static final Map<String, String> TIMINGS = new TreeMap<>();

  private static Path work;
  private static Path sparkHome;
  private static Path jobJar;
  private static Path data;
  private static Path embeddedOut;
  private static List<String> moduleFlags;
  private static String log4jConfig;
  private static String masterUrl;
  private static int masterUiPort;
  private static Started worker;

  /** A child JVM this test started, and where its output goes. */
  record Started(String name, Process process, Path log) {}

  @BeforeAll
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  static void generateRunEmbeddedAndStartTheCluster() throws Exception {
    sparkHome = Path.of(required("cluster.spark.home")).toAbsolutePath();
    jobJar = Path.of(required("cluster.job.jar")).toAbsolutePath();
    log4jConfig = required("cluster.log4j.config");
    assertTrue(Files.isRegularFile(jobJar), "the job jar is built by `package`: " + jobJar);
    try (Stream<Path> jars = Files.list(sparkHome.resolve("jars"))) {
      assertTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("spark-core_")),
          "SPARK_HOME/jars is filled by dependency:copy-dependencies before integration-test: " + sparkHome);
    }
    moduleFlags = new ArrayList<>();
    for (String flag : required("spark.module.flags.for.tests").split(" ")) {
      if (!flag.isBlank()) {
        moduleFlags.add(flag);
      }
    }
    work = sparkHome.getParent().resolve("cluster-it");
    deleteRecursively(work);
    Files.createDirectories(work.resolve("logs"));
    Runtime.getRuntime().addShutdownHook(new Thread(ClusterRunIT::stopEverything));

    SparkSession spark = SparkTestSession.get();
    data = work.resolve("data");
    long t0 = System.nanoTime();
    // Small, for a 2-core machine (a quarter of the usual reports: detection is not under test
    // here); the kill must still land while the transactions are prepared or aggregated (the test
    // fails if it does not).
    GenerateJob.run(spark, GenerateJob.options().parse(new String[] {
        "--out", data.toString(), "--seed", "7", "--businesses", "40", "--transactions", "20000",
        "--outage-minutes", "120", "--outage-start", "2021-10-05T10:20:00Z", "--bad-rows", "1",
        "--report-scale", "0.25"}));
    timing("1 generate", t0);

    embeddedOut = work.resolve("out-embedded");
    t0 = System.nanoTime();
    RunJob.run(spark, RunJob.options().parse(new String[] {"--data", data.toString(), "--out", embeddedOut.toString()}));
    timing("2 embedded run (local[2], in the test JVM)", t0);

    t0 = System.nanoTime();
    int masterPort = freePort();
    masterUiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;
    start("master", List.of("-Xmx512m", "-Dspark.master.rest.enabled=false"), "org.apache.spark.deploy.master.Master",
        List.of("--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port",
            Integer.toString(masterUiPort)));
    Path workerDir = Files.createDirectories(work.resolve("worker"));
    worker = start("worker", List.of("-Xmx512m"), "org.apache.spark.deploy.worker.Worker",
        List.of("--host", "127.0.0.1", "--cores", "2", "--memory", "2g", "--webui-port", Integer.toString(freePort()),
            "--work-dir", workerDir.toString(), masterUrl));
    Instant registrationDeadline = earlier(Instant.now().plus(WORKER_REGISTRATION));
    JsonNode master = null;
    while (true) {
      master = getJson("http://127.0.0.1:" + masterUiPort + "/json/");
      if (master != null && master.path("aliveworkers").asInt() >= 1) {
        break;
      }
      checkAlive(STARTED_PROCESSES.get(0));
      checkAlive(worker);
      if (Instant.now().isAfter(registrationDeadline)) {
        fail("the worker did not register with the master in time; master said " + master + tails());
      }
      Thread.sleep(250);
    }
    timing("3 master + worker start (to worker registered)", t0);
  }

  @AfterAll
  static void stopTheCluster() {
    stopEverything();
    System.out.println("[cluster-it] wall times (load average 1/5/15 min at the end of each):");
    TIMINGS.forEach((name, value) -> System.out.println("[cluster-it]   " + name + ": " + value));
    System.out.println("[cluster-it] whole IT: " + seconds(Duration.between(STARTED, Instant.now())) + " (load "
        + load() + ")");
  }

  @Test
  @Order(1)
  @Timeout(value = 11, unit = TimeUnit.MINUTES)
  void submittedToAStandaloneClusterItPublishesWhatTheEmbeddedRunDoes() throws Exception {
    Path out = work.resolve("out-cluster");
    long t0 = System.nanoTime();
    Started driver = submit("plain", out);
    awaitSuccess(driver);
    timing("4 cluster run, plain", t0);
    assertSameOutputs(embeddedOut, out);
  }

  @Test
  @Order(2)
  @Timeout(value = 11, unit = TimeUnit.MINUTES)
  void itSurvivesLosingTheExecutorDuringTheTransactionAggregation() throws Exception {
    Path out = work.resolve("out-cluster-executor-loss");
    long t0 = System.nanoTime();
    Started driver = submit("executor-loss", out);
    Killer killer = new Killer(driver, t0);
    Thread killerThread = new Thread(killer, "executor-killer");
    killerThread.setDaemon(true);
    killerThread.start();
    awaitSuccess(driver);
    long runNanos = System.nanoTime() - t0;
    killerThread.join(TimeUnit.SECONDS.toMillis(30));
    killerThread.interrupt();
    if (killer.failure.get() != null) {
      fail("executor kill: " + killer.failure.get() + tails());
    }
    assertTrue(killer.killedAt != null,
        "the executor was never killed while the transactions were prepared or aggregated (" + killer.observed + ")" + tails());
    TIMINGS.put("5 cluster run, executor killed", seconds(Duration.ofNanos(runNanos)) + ", kill landed "
        + seconds(Duration.ofNanos(killer.killedAt)) + " after submit (job "
        + killer.killedJob + " running for " + killer.runningFor + ", which then ended "
        + (killer.killedJobEnd == null ? "(not seen)" : killer.killedJobEnd) + "), executor " + killer.killedExecutor
        + " killed; new executor " + killer.replacement
        + " registered " + (killer.replacedAt == null ? "?" : seconds(Duration.ofNanos(killer.replacedAt))) + " after submit"
        + " (load " + load() + ")");
    System.out.println("[cluster-it] 5 cluster run, executor killed: " + TIMINGS.get("5 cluster run, executor killed"));
    assertTrue(killer.replacement != null,
        "no new executor replaced the killed one " + killer.killedExecutor + " (" + killer.observed + ")");
    assertSameOutputs(embeddedOut, out);
  }

  // ---- the executor kill ----------------------------------------------------------------

  /**
   * Watches the driver's REST API; when a job of the transaction aggregation is RUNNING, kills
   * the executor JVM (CoarseGrainedExecutorBackend, a child of the Worker), then waits for the
   * application to get a new executor.
   */
  private static final class Killer implements Runnable {
    final Started driver;
    final long t0;
    final AtomicReference<String> failure = new AtomicReference<>();
    volatile Long killedAt;
    volatile Long replacedAt;
    volatile String killedJob;
    volatile String killedExecutor;
    volatile String replacement;
    volatile String runningFor;
    volatile String killedJobEnd;
    volatile String observed = "no aggregation job seen";

    Killer(Started driver, long t0) {
      this.driver = driver;
      this.t0 = t0;
    }

    @Override
    public void run() {
      try {
        String api = "http://127.0.0.1:" + driverUiPort(driver) + "/api/v1/applications";
        String app = null;
        while (driver.process().isAlive() && killedAt == null) {
          if (app == null) {
            JsonNode apps = getJson(api);
            app = apps != null && apps.size() > 0 ? apps.get(0).path("id").asText() : null;
          }
          JsonNode jobs = app == null ? null : getJson(api + "/" + app + "/jobs");
          if (jobs != null) {
            for (JsonNode job : jobs) {
              String description = job.path("description").asText("");
              if (!description.startsWith(AGGREGATION) && !description.equals(RunJob.PREPARE_JOB)) {
                continue;
              }
              observed = "job " + job.path("jobId").asText() + " (" + description + ") " + job.path("status").asText();
              if ("RUNNING".equals(job.path("status").asText())) {
                JsonNode executors = getJson(api + "/" + app + "/executors");
                killedExecutor = activeExecutorIds(executors).stream().findFirst().orElse("?");
                ProcessHandle executor = executorProcess();
                executor.descendants().forEach(ProcessHandle::destroyForcibly);
                executor.destroyForcibly();
                killedAt = System.nanoTime() - t0;
                killedJob = job.path("jobId").asText();
                runningFor = runningFor(job.path("submissionTime").asText(""));
                executor.onExit().get(30, TimeUnit.SECONDS);
                break;
              }
            }
          }
          Thread.sleep(40);
        }
        if (killedAt == null) {
          return;
        }
        // Until the driver ends: the replacement executor, and how the killed job ended (the
        // REST API goes with the driver, so this is the only time to ask).
        while (driver.process().isAlive() && (replacement == null || killedJobEnd == null)) {
          if (replacement == null) {
            for (String id : activeExecutorIds(getJson(api + "/" + app + "/allexecutors"))) {
              if (!id.equals(killedExecutor)) {
                replacement = id;
                replacedAt = System.nanoTime() - t0;
              }
            }
          }
          JsonNode job = killedJobEnd == null ? getJson(api + "/" + app + "/jobs/" + killedJob) : null;
          if (job != null && !"RUNNING".equals(job.path("status").asText())) {
            killedJobEnd = job.path("status").asText() + " with " + job.path("numFailedTasks").asInt()
                + " failed task(s), " + job.path("numFailedStages").asInt() + " failed stage(s)";
          }
          Thread.sleep(200);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        failure.set(e.toString());
      }
    }
  }

  /** How long a job had been running, from its submissionTime in the REST API (e.g. 2021-10-04T15:39:00.123GMT). */
  private static String runningFor(String submissionTime) {
    try {
      Instant submitted = java.time.LocalDateTime.parse(submissionTime.replace("GMT", ""))
          .toInstant(java.time.ZoneOffset.UTC);
      return seconds(Duration.between(submitted, Instant.now()));
    } catch (RuntimeException e) {
      return "? (submitted " + submissionTime + ")";
    }
  }

  private static List<String> activeExecutorIds(JsonNode executors) {
    List<String> ids = new ArrayList<>();
    if (executors != null) {
      for (JsonNode e : executors) {
        if (!"driver".equals(e.path("id").asText()) && e.path("isActive").asBoolean()) {
          ids.add(e.path("id").asText());
        }
      }
    }
    return ids;
  }

  /** The executor JVM: a descendant of the Worker running CoarseGrainedExecutorBackend. */
  private static ProcessHandle executorProcess() {
    List<ProcessHandle> executors = worker.process().descendants()
        .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")
            || p.info().arguments().map(a -> List.of(a).contains(
                "org.apache.spark.executor.CoarseGrainedExecutorBackend")).orElse(false))
        .toList();
    if (executors.size() != 1) {
      throw new IllegalStateException("expected one executor JVM under the worker, found " + executors.size());
    }
    return executors.get(0);
  }

  private static int driverUiPort(Started driver) {
    return Integer.parseInt(driver.name().substring(driver.name().lastIndexOf(':') + 1));
  }

  // ---- processes ------------------------------------------------------------------------

  private static Started start(String name, List<String> jvmOptions, String mainClass, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(moduleFlags);
    if (mainClass.endsWith("SparkSubmit")) {
      // The driver logs our stage lines; Master and Worker keep Spark's default (INFO), whose
      // registration and executor launch lines are what to read when something goes wrong.
      command.add("-Dlog4j2.configurationFile=" + log4jConfig);
    }
    command.add("-cp");
    command.add(sparkHome.resolve("jars") + "/*");
    command.add(mainClass);
    command.addAll(args);
    Path log = work.resolve("logs").resolve(name.replace(':', '-') + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(work.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().remove("SPARK_CONF_DIR");
    Started started = new Started(name, builder.start(), log);
    STARTED_PROCESSES.add(started);
    return started;
  }

  /** SparkSubmit in client mode, as `spark-submit --deploy-mode client` runs it: the driver is this child JVM. */
  private static Started submit(String name, Path out) throws IOException {
    int uiPort = freePort();
    String flags = String.join(" ", moduleFlags);
    return start("driver-" + name + ":" + uiPort, List.of("-Xmx1g"), "org.apache.spark.deploy.SparkSubmit", List.of(
        "--master", masterUrl, "--deploy-mode", "client", "--name", "outage-impact-it-" + name,
        "--conf", "spark.driver.extraJavaOptions=" + flags,
        "--conf", "spark.executor.extraJavaOptions=" + flags,
        "--conf", "spark.driver.memory=1g",
        "--conf", "spark.executor.memory=1g",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.ui.port=" + uiPort,
        "--conf", "spark.port.maxRetries=0",
        "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.serializer=org.apache.spark.serializer.KryoSerializer",
        "--class", Main.class.getName(), jobJar.toString(),
        "run", "--data", data.toString(), "--out", out.toString()));
  }

  private static void awaitSuccess(Started driver) throws Exception {
    Instant deadline = earlier(Instant.now().plus(ONE_RUN));
    if (!driver.process().waitFor(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
        TimeUnit.MILLISECONDS)) {
      stop(driver);
      fail(driver.name() + " did not finish in time" + tails());
    }
    if (driver.process().exitValue() != 0) {
      fail(driver.name() + " exited with " + driver.process().exitValue() + tails());
    }
  }

  private static void checkAlive(Started started) {
    if (!started.process().isAlive()) {
      fail(started.name() + " exited with " + started.process().exitValue() + tails());
    }
  }

  private static void stop(Started started) {
    ProcessHandle handle = started.process().toHandle();
    List<ProcessHandle> descendants = handle.descendants().toList();
    handle.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      handle.onExit().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // fall through to the forcible stop
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();
  }

  private static synchronized void stopEverything() {
    // Drivers and the worker first (the worker's executors are its descendants), the master last.
    List<Started> reversed = new ArrayList<>(STARTED_PROCESSES);
    java.util.Collections.reverse(reversed);
    reversed.forEach(ClusterRunIT::stop);
    STARTED_PROCESSES.clear();
  }

  /** The last lines of every child JVM's log, and of the executors' stderr under the worker's folder. */
  private static String tails() {
    StringBuilder s = new StringBuilder();
    List<Path> logs = new ArrayList<>();
    STARTED_PROCESSES.forEach(p -> logs.add(p.log()));
    try (Stream<Path> files = Files.walk(work.resolve("worker"))) {
      files.filter(p -> p.getFileName().toString().equals("stderr")).sorted().forEach(logs::add);
    } catch (IOException e) {
      // no executor logs
    }
    for (Path log : logs) {
      try {
        List<String> lines = Files.readAllLines(log);
        s.append("\n---- last lines of ").append(log).append('\n');
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> s.append(l).append('\n'));
      } catch (IOException e) {
        s.append("\n---- cannot read ").append(log);
      }
    }
    return s.toString();
  }

  // ---- comparing outputs ----------------------------------------------------------------

  /**
   * Same manifest (outputs, incidents, per-input counts) and, for every output table, the same
   * schema and rows: sorted by their non-floating columns, then compared value by value with
   * doubles within the tolerance.
   */
  static void assertSameOutputs(Path expectedOut, Path actualOut) throws IOException {
    JsonNode expected = JSON.readTree(expectedOut.resolve("manifest.json").toFile());
    JsonNode actual = JSON.readTree(actualOut.resolve("manifest.json").toFile());
    assertEquals(expected.get("outputs"), actual.get("outputs"), "manifest outputs");
    assertEquals(expected.get("incidents"), actual.get("incidents"), "manifest incidents");
    Iterator<String> inputs = expected.get("inputs").fieldNames();
    while (inputs.hasNext()) {
      String input = inputs.next();
      for (String count : List.of("read", "accepted", "rejected", "duplicates", "rejected_by_reason", "files")) {
        assertEquals(expected.get("inputs").get(input).get(count), actual.get("inputs").get(input).get(count),
            "manifest " + input + " " + count);
      }
    }
    assertTrue(expected.get("outputs").size() > 3, "the scenario publishes the impact tables");
    SparkSession spark = SparkTestSession.get();
    for (JsonNode output : expected.get("outputs")) {
      String table = output.asText();
      var e = spark.read().parquet(Published.table(expectedOut, table));
      var a = spark.read().parquet(Published.table(actualOut, table));
      assertEquals(e.schema(), a.schema(), table + ": schema");
      List<Row> expectedRows = sorted(e.collectAsList(), e.schema());
      List<Row> actualRows = sorted(a.collectAsList(), a.schema());
      assertEquals(expectedRows.size(), actualRows.size(), table + ": row count");
      for (int i = 0; i < expectedRows.size(); i++) {
        Optional<String> difference = difference(expectedRows.get(i), actualRows.get(i), e.schema());
        if (difference.isPresent()) {
          fail(table + ": row " + i + " differs at " + difference.get() + "\n  embedded: " + expectedRows.get(i)
              + "\n  cluster:  " + actualRows.get(i));
        }
      }
    }
  }

  private static List<Row> sorted(List<Row> rows, StructType schema) {
    List<Integer> keys = new ArrayList<>();
    for (int i = 0; i < schema.fields().length; i++) {
      if (!containsFloating(schema.fields()[i].dataType())) {
        keys.add(i);
      }
    }
    Comparator<Row> byKeys = Comparator.comparing(r -> {
      StringBuilder key = new StringBuilder();
      for (int i : keys) {
        key.append(r.isNullAt(i) ? "\u0000null" : String.valueOf(r.get(i))).append('\u0001');
      }
      return key.toString();
    });
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(byKeys.thenComparing(Row::toString));
    return copy;
  }

  private static boolean containsFloating(DataType type) {
    if (type.equals(DataTypes.DoubleType) || type.equals(DataTypes.FloatType)) {
      return true;
    }
    if (type instanceof StructType struct) {
      for (StructField f : struct.fields()) {
        if (containsFloating(f.dataType())) {
          return true;
        }
      }
      return false;
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array) {
      return containsFloating(array.elementType());
    }
    if (type instanceof org.apache.spark.sql.types.MapType map) {
      return containsFloating(map.keyType()) || containsFloating(map.valueType());
    }
    return false;
  }

  /** Where two rows differ beyond the tolerance (column name), or empty. */
  private static Optional<String> difference(Row expected, Row actual, StructType schema) {
    for (int i = 0; i < schema.fields().length; i++) {
      if (!same(expected.get(i), actual.get(i))) {
        return Optional.of(schema.fields()[i].name());
      }
    }
    return Optional.empty();
  }

  static boolean same(Object expected, Object actual) {
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (expected instanceof Double || expected instanceof Float) {
      double e = ((Number) expected).doubleValue();
      double a = ((Number) actual).doubleValue();
      if (Double.isNaN(e) || Double.isInfinite(e)) {
        return Double.compare(e, a) == 0;
      }
      return Math.abs(e - a) <= ABSOLUTE_TOLERANCE || Math.abs(e - a) <= RELATIVE_TOLERANCE * Math.abs(e);
    }
    if (expected instanceof Row e && actual instanceof Row a) {
      return same(e.toSeq(), a.toSeq());
    }
    if (expected instanceof scala.collection.Seq<?> e && actual instanceof scala.collection.Seq<?> a) {
      if (e.size() != a.size()) {
        return false;
      }
      for (int i = 0; i < e.size(); i++) {
        if (!same(e.apply(i), a.apply(i))) {
          return false;
        }
      }
      return true;
    }
    return expected.equals(actual);
  }

  // ---- small helpers --------------------------------------------------------------------

  private static JsonNode getJson(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
    } catch (IOException e) {
      return null; // not up yet, or gone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Instant earlier(Instant deadline) {
    return deadline.isBefore(DEADLINE) ? deadline : DEADLINE;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + property + " is not set: run this test with `mvn verify`");
    }
    return value;
  }

  private static void timing(String name, long startNanos) {
    String value = seconds(Duration.ofNanos(System.nanoTime() - startNanos)) + " (load " + load() + ")";
    TIMINGS.put(name, value);
    System.out.println("[cluster-it] " + name + ": " + value);
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  /** The load averages (1, 5, 15 minutes), as `uptime` shows them. */
  static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
