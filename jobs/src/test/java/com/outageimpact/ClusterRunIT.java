package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
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
 * Its outputs must equal the embedded (local[2]) run's on the same generated scenario, in two
 * fault tests:
 *
 * <ul>
 *   <li>The driver killed ({@code kill -9}) while the run writes a table into its run folder, over
 *       an output folder that holds a committed run: that run stays committed and whole; the same
 *       command run again (uninterrupted) removes the killed run's folder and publishes what the
 *       embedded run does, with no failed task and no stage run twice (its event log).
 *   <li>The executor JVM killed while tasks of a stage of the transactions' preparation or
 *       aggregation run and read shuffle output that only that executor held (the executor is
 *       frozen first, so that the kill cannot miss the running tasks). The driver's event log
 *       must show the lost work redone: the running tasks failed, the shuffle output they read
 *       was computed again, and a stage was submitted again; then the outputs must match.
 * </ul>
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
  /** The failed tasks and resubmitted stages of the uninterrupted cluster run (for the executor-loss test's figures). */
  private static String plainRunFigures = "(not run)";

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
    for (String flag : required("spark.jvm.flags.for.tests").split(" ")) {
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
  @Timeout(value = 13, unit = TimeUnit.MINUTES)
  void aRunWhoseDriverIsKilledWhileWritingIsRedoneByTheSameCommandAndPublishesWhatTheEmbeddedRunDoes()
      throws Exception {
    // The output folder already holds a committed run (the embedded one's, copied), as when a run
    // is repeated: the killed run must leave it whole and committed.
    Path out = work.resolve("out-cluster");
    copyRecursively(embeddedOut, out);
    Path manifestFile = out.resolve("manifest.json");
    String committedBefore = Files.readString(manifestFile);
    String committedFolder = JSON.readTree(committedBefore).path("tables").asText();
    Map<String, Long> committedFiles = listing(out.resolve(committedFolder));
    assertTrue(committedFolder.startsWith("runs/") && !committedFiles.isEmpty(), "the copied run: " + committedFolder);

    long t0 = System.nanoTime();
    Started killedDriver = submit("driver-killed", out);
    DriverKill kill = killTheDriverWhileItWrites(killedDriver, out, Set.of(committedFolder));
    TIMINGS.put("4a cluster run, driver killed", "kill -9 " + seconds(Duration.ofNanos(System.nanoTime() - t0))
        + " after submit, while " + kill.writing() + " was being written (load " + load() + ")");
    System.out.println("[cluster-it] 4a cluster run, driver killed: " + TIMINGS.get("4a cluster run, driver killed"));
    // Nothing of the killed run is committed: the same manifest, naming the same whole run.
    assertEquals(committedBefore, Files.readString(manifestFile), "the manifest after the driver was killed");
    assertEquals(committedFiles, listing(out.resolve(committedFolder)), "the committed run's files after the kill");
    assertTrue(Files.isDirectory(out.resolve(kill.runFolder())), "the killed run left its folder " + kill.runFolder());
    awaitNoApplicationRunning();

    t0 = System.nanoTime();
    Started driver = submit("plain", out);
    awaitSuccess(driver);
    timing("4b cluster run, the same command again (uninterrupted)", t0);
    JsonNode manifest = JSON.readTree(manifestFile.toFile());
    String published = manifest.path("tables").asText();
    assertEquals("runs/" + manifest.path("run_id").asText(), published, "the manifest names the new run's folder");
    assertEquals(committedFolder, manifest.path("previous_tables").asText(), "the run before it is the copied one");
    assertTrue(Files.isRegularFile(out.resolve(published).resolve("manifest.json")), "the new run's folder is complete");
    assertFalse(Files.exists(out.resolve(kill.runFolder())), "the killed run's folder was cleaned up: " + kill.runFolder());
    try (Stream<Path> top = Files.list(out); Stream<Path> runs = Files.list(out.resolve("runs"))) {
      assertEquals(List.of("manifest.json", "runs"), top.map(p -> p.getFileName().toString()).sorted().toList(),
          "only the manifest and the run folders at the top of the output (no commit record left)");
      assertEquals(Set.of(published, committedFolder),
          runs.map(p -> "runs/" + p.getFileName()).collect(Collectors.toSet()), "the run folders kept");
    }
    assertSameOutputs(embeddedOut, out);
    // What the executor-loss test counts is nothing in a run without a fault.
    EventLog events = EventLog.of(driver);
    plainRunFigures = events.failedTasks().size() + " failed task(s), " + events.resubmittedStages().size()
        + " stage(s) submitted again";
    assertEquals(List.of(), events.failedTasks(), "failed tasks in an uninterrupted run");
    assertEquals(List.of(), events.resubmittedStages(), "stage attempts after the first in an uninterrupted run");
  }

  @Test
  @Order(2)
  @Timeout(value = 11, unit = TimeUnit.MINUTES)
  void itRedoesTheWorkLostWithTheExecutorKilledWhileTasksReadShuffleOutput() throws Exception {
    Path out = work.resolve("out-cluster-executor-loss");
    long t0 = System.nanoTime();
    Started driver = submit("executor-loss", out);
    ExecutorKiller killer = new ExecutorKiller(driver, t0);
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
    assertTrue(killer.killedAt != null, "the executor was never killed while a stage reading shuffle output of the "
        + "transactions' preparation or aggregation had tasks running (" + killer.observed() + ")" + tails());

    // What the kill did, from the driver's event log: the running tasks failed, the shuffle output
    // they read was computed again (its stage, skipped when the job started, ran after the
    // executor was removed), and a stage was submitted again.
    EventLog events = EventLog.of(driver);
    List<String> failedInKilledStage = events.failedTasks().stream()
        .filter(t -> t.startsWith("stage " + killer.killedStage + "."))
        .toList();
    List<String> rerunParents = events.stagesSubmittedAfterRemoval(killer.killedExecutor, killer.parentStages);
    String figures = "killed stage " + killer.killedStage + " (" + killer.killedStageName + ", job " + killer.killedJob
        + ", " + killer.runningTasks + " task(s) running, parent stage(s) " + killer.parentStages + "); "
        + events.failedTasks().size() + " failed task(s) " + events.failedTasks() + "; stage attempts after the first: "
        + events.resubmittedStages() + "; parent stage(s) run again after the executor was removed: " + rerunParents
        + "; plain run: " + plainRunFigures + "; before the kill: " + killer.observed();
    TIMINGS.put("5 cluster run, executor killed", seconds(Duration.ofNanos(runNanos)) + ", kill landed "
        + seconds(Duration.ofNanos(killer.killedAt)) + " after submit; executor " + killer.killedExecutor
        + " killed, new executor " + killer.replacement + " registered "
        + (killer.replacedAt == null ? "?" : seconds(Duration.ofNanos(killer.replacedAt))) + " after submit; "
        + figures + " (load " + load() + ")");
    System.out.println("[cluster-it] 5 cluster run, executor killed: " + TIMINGS.get("5 cluster run, executor killed"));
    assertTrue(killer.replacement != null,
        "no new executor replaced the killed one " + killer.killedExecutor + " (" + killer.observed() + ")");
    assertTrue(failedInKilledStage.size() >= killer.runningTasks,
        "each task running on the killed executor failed: " + figures);
    assertTrue(failedInKilledStage.stream().anyMatch(t -> t.contains("ExecutorLostFailure")),
        "a task of the killed stage failed because its executor was lost: " + figures);
    assertFalse(events.resubmittedStages().isEmpty(), "a stage was submitted again after the kill: " + figures);
    assertFalse(rerunParents.isEmpty(), "the shuffle output that existed at the kill was computed again: " + figures);
    assertSameOutputs(embeddedOut, out);
  }

  /**
   * The jar the cluster runs is the one analysts submit: it holds the jobs, and no class of the
   * scenario generator, a module of its own (generator/, issue 23).
   */
  @Test
  @Order(4)
  void theSubmittedJarHoldsTheJobsAndNoGeneratorClass() throws IOException {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(jobJar.toFile())) {
      List<String> names = jar.stream().map(java.util.jar.JarEntry::getName).toList();
      assertTrue(names.contains("com/outageimpact/RunJob.class"), "the jobs are in " + jobJar);
      assertEquals(List.of(), names.stream().filter(n -> n.startsWith("com/outageimpact/generate/")).toList(),
          "generator classes in " + jobJar);
    }
  }

  /**
   * {@code reporter_hash} reaches no output (issue 24): every run of 16 hex digits in every row of every
   * published table (the rejects' raw lines and details included) and in the manifest is looked up
   * among the reporter fields of the reports input, whose generated bad rows include malformed
   * lines. Read from the embedded run's output, which the cluster runs must equal.
   */
  @Test
  @Order(3)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void noOutputHoldsAReporterHash() throws IOException {
    Set<String> reporters = new java.util.HashSet<>();
    try (Stream<Path> files = Files.walk(data.resolve("reports"))) {
      for (Path csv : files.filter(p -> p.toString().endsWith(".csv")).toList()) {
        for (String line : Files.readAllLines(csv)) {
          String last = line.substring(line.lastIndexOf(',') + 1);
          if (last.matches("[0-9a-f]{16}")) {
            reporters.add(last);
          }
        }
      }
    }
    assertTrue(reporters.size() > 1000, "the reports' reporter fields: " + reporters.size());
    java.util.regex.Pattern hex = java.util.regex.Pattern.compile("[0-9a-f]{16,}");
    JsonNode manifest = JSON.readTree(embeddedOut.resolve("manifest.json").toFile());
    List<String> texts = new ArrayList<>(List.of(manifest.toString()));
    long rows = 0;
    for (JsonNode output : manifest.get("outputs")) {
      for (Row row : SparkTestSession.get().read().parquet(Published.table(embeddedOut, output.asText())).collectAsList()) {
        texts.add(output.asText() + ": " + row);
        rows++;
      }
    }
    assertTrue(rows > 100 && texts.stream().anyMatch(t -> t.startsWith("rejects/reports: ")),
        "rows read: " + rows + ", with reports rejects");
    for (String text : texts) {
      java.util.regex.Matcher m = hex.matcher(text);
      while (m.find()) {
        for (int i = 0; i + 16 <= m.group().length(); i++) {
          assertFalse(reporters.contains(m.group().substring(i, i + 16)), "a reporter_hash in " + text);
        }
      }
    }
    System.out.println("[cluster-it] no reporter_hash (" + reporters.size() + " values) in " + rows
        + " output rows and the manifest");
  }

  // ---- the driver kill ------------------------------------------------------------------

  /** The killed run's folder (relative to the output folder) and the table it was writing. */
  record DriverKill(String runFolder, String writing) {}

  /**
   * Waits until the run writes a table into its folder (a {@code _temporary} folder of Spark's
   * output committer under {@code runs/<run>/}, other than {@code existing}), freezes the driver
   * (SIGSTOP: the job cannot be committed while it is stopped), checks that the write is still
   * unfinished, then kills the driver with SIGKILL. If the write finished between seeing it and
   * the stop, the driver is resumed and the next write is waited for.
   */
  private static DriverKill killTheDriverWhileItWrites(Started driver, Path out, Set<String> existing)
      throws Exception {
    Instant deadline = earlier(Instant.now().plus(ONE_RUN));
    ProcessHandle handle = driver.process().toHandle();
    while (Instant.now().isBefore(deadline)) {
      checkAlive(driver);
      Optional<Path> writing = unfinishedWrite(out, existing);
      if (writing.isPresent()) {
        signal(handle, "STOP");
        Thread.sleep(300);
        if (Files.isDirectory(writing.get())) {
          handle.destroyForcibly();
          handle.onExit().get(30, TimeUnit.SECONDS);
          Path relative = out.relativize(writing.get());
          String runFolder = relative.subpath(0, 2).toString();
          String table = relative.subpath(2, relative.getNameCount() - 1).toString();
          assertTrue(Files.isDirectory(writing.get()), "the half-written table is still there after the kill");
          return new DriverKill(runFolder, table);
        }
        signal(handle, "CONT");
      }
      Thread.sleep(20);
    }
    stop(driver);
    fail("the run wrote nothing under " + out.resolve("runs") + " in time" + tails());
    return null;
  }

  /** A {@code _temporary} folder (a table being written) under a run folder not in {@code existing}. */
  private static Optional<Path> unfinishedWrite(Path out, Set<String> existing) {
    Path runs = out.resolve("runs");
    try (Stream<Path> paths = Files.walk(runs, 5)) {
      return paths.filter(p -> p.getFileName().toString().equals("_temporary") && Files.isDirectory(p))
          .filter(p -> !existing.contains(out.relativize(p).subpath(0, 2).toString().replace('\\', '/')))
          .findFirst();
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty(); // not there yet, or changing while listed: look again
    }
  }

  /** Until the master has no application running (a killed driver's is removed, with its executors). */
  private static void awaitNoApplicationRunning() throws InterruptedException {
    Instant deadline = earlier(Instant.now().plus(Duration.ofSeconds(120)));
    while (true) {
      JsonNode master = getJson("http://127.0.0.1:" + masterUiPort + "/json/");
      boolean executorsGone = worker.process().descendants()
          .noneMatch(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"));
      if (master != null && master.path("activeapps").isEmpty() && executorsGone) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        fail("the killed driver's application was not removed in time; master said " + master + tails());
      }
      Thread.sleep(250);
    }
  }

  // ---- the executor kill ----------------------------------------------------------------

  /**
   * Watches the driver's REST API (its active stages, one small request every few milliseconds)
   * for a stage of the transactions' preparation or aggregation with tasks running. Then freezes
   * the executor JVM (SIGSTOP) and, while nothing can finish, checks through the REST API that the
   * stage is the last of a running job of two or more stages (so it reads shuffle output of the
   * job's other stages, all computed before it starts) and still has tasks running; then kills the
   * executor (SIGKILL). Otherwise it resumes the executor and waits for the next such stage. Then
   * waits for the application to get a new executor.
   */
  private static final class ExecutorKiller implements Runnable {
    final Started driver;
    final long t0;
    final AtomicReference<String> failure = new AtomicReference<>();
    volatile Long killedAt;
    volatile Long replacedAt;
    volatile String killedJob;
    volatile int killedStage = -1;
    volatile String killedStageName;
    volatile int runningTasks;
    volatile List<Integer> parentStages = List.of();
    volatile String killedExecutor;
    volatile String replacement;
    /** What was seen and why each freeze was undone, for the failure message and the timings. */
    final List<String> resumed = new CopyOnWriteArrayList<>();
    volatile int polls;

    ExecutorKiller(Started driver, long t0) {
      this.driver = driver;
      this.t0 = t0;
    }

    String observed() {
      return polls + " look(s) at the active stages; " + resumed.size() + " freeze(s) undone " + resumed;
    }

    @Override
    public void run() {
      try {
        String api = "http://127.0.0.1:" + driverUiPort(driver) + "/api/v1/applications";
        String app = null;
        Set<Integer> notLast = new java.util.HashSet<>();
        while (driver.process().isAlive() && killedAt == null) {
          if (app == null) {
            JsonNode apps = getJson(api);
            app = apps != null && apps.size() > 0 ? apps.get(0).path("id").asText() : null;
          }
          JsonNode active = app == null ? null : getJson(api + "/" + app + "/stages?status=active");
          polls++;
          for (JsonNode stage : active == null ? List.<JsonNode>of() : toList(active)) {
            String description = stage.path("description").asText("");
            int id = stage.path("stageId").asInt();
            if (!(description.startsWith(AGGREGATION) || description.equals(RunJob.PREPARE_JOB))
                || stage.path("numActiveTasks").asInt() < 1 || notLast.contains(id)) {
              continue;
            }
            ProcessHandle executor = executorProcess();
            signal(executor, "STOP");
            // Let the driver hear of any task that ended just before the stop, then look again.
            Thread.sleep(1000);
            JsonNode job = null;
            for (JsonNode running : toList(Optional.ofNullable(getJson(api + "/" + app + "/jobs?status=running"))
                .orElse(JSON.createArrayNode()))) {
              for (JsonNode stageId : running.path("stageIds")) {
                if (stageId.asInt() == id) {
                  job = running;
                }
              }
            }
            List<Integer> stages = new ArrayList<>();
            if (job != null) {
              job.path("stageIds").forEach(s -> stages.add(s.asInt()));
            }
            JsonNode frozen = activeAttempt(getJson(api + "/" + app + "/stages/" + id));
            String why = null;
            if (job == null) {
              why = "its job ended before the stop";
            } else if (stages.size() < 2 || java.util.Collections.max(stages) != id) {
              notLast.add(id);
              why = "not the last stage of a job of two or more: job " + job.path("jobId").asText() + " " + stages;
            } else if (frozen == null || frozen.path("numActiveTasks").asInt() < 1) {
              why = "its tasks ended before the stop";
            }
            if (why != null) {
              signal(executor, "CONT");
              resumed.add("stage " + id + ": " + why);
              continue;
            }
            killedExecutor = activeExecutorIds(getJson(api + "/" + app + "/executors")).stream().findFirst().orElse("?");
            executor.destroyForcibly();
            killedAt = System.nanoTime() - t0;
            killedJob = job.path("jobId").asText() + " (" + description + ")";
            killedStage = id;
            killedStageName = frozen.path("name").asText();
            runningTasks = frozen.path("numActiveTasks").asInt();
            stages.remove(Integer.valueOf(id));
            parentStages = List.copyOf(stages);
            executor.onExit().get(30, TimeUnit.SECONDS);
            break;
          }
          Thread.sleep(10);
        }
        if (killedAt == null) {
          return;
        }
        while (driver.process().isAlive() && replacement == null) {
          for (String id : activeExecutorIds(getJson(api + "/" + app + "/allexecutors"))) {
            if (!id.equals(killedExecutor)) {
              replacement = id;
              replacedAt = System.nanoTime() - t0;
            }
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

  /** The ACTIVE attempt among a stage's attempts (the REST API's /stages/{id}), or null. */
  private static JsonNode activeAttempt(JsonNode attempts) {
    if (attempts != null) {
      for (JsonNode attempt : attempts) {
        if ("ACTIVE".equals(attempt.path("status").asText())) {
          return attempt;
        }
      }
    }
    return null;
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }

  /** Sends a signal (STOP, CONT) to one process, by its id. */
  private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + output);
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

  // ---- the driver's event log -----------------------------------------------------------

  /**
   * The events of one finished application (its driver's {@code spark.eventLog.dir}), for the
   * figures of lost and redone work: failed tasks and stages submitted again.
   */
  record EventLog(List<JsonNode> events) {

    private static final List<String> KEPT = List.of("SparkListenerTaskEnd", "SparkListenerStageSubmitted",
        "SparkListenerExecutorRemoved", "SparkListenerApplicationEnd");

    static EventLog of(Started driver) throws IOException {
      List<Path> files;
      try (Stream<Path> list = Files.list(eventDir(driver))) {
        files = list.filter(Files::isRegularFile).toList();
      }
      assertEquals(1, files.size(), "one event log in " + eventDir(driver) + ": " + files);
      List<JsonNode> events = new ArrayList<>();
      try (Stream<String> lines = Files.lines(files.get(0))) {
        for (String line : (Iterable<String>) lines::iterator) {
          // Only the events used here are parsed (the SQL ones hold whole plans).
          if (KEPT.stream().anyMatch(e -> line.startsWith("{\"Event\":\"" + e + "\""))) {
            events.add(JSON.readTree(line));
          }
        }
      }
      assertTrue(events.stream().anyMatch(e -> e.path("Event").asText().equals("SparkListenerApplicationEnd")),
          "the event log of " + driver.name() + " is complete");
      return new EventLog(events);
    }

    /** Every task that did not succeed, as "stage S.A task T on executor E: Reason". */
    List<String> failedTasks() {
      List<String> failed = new ArrayList<>();
      for (JsonNode e : events) {
        String reason = e.path("Task End Reason").path("Reason").asText();
        if (e.path("Event").asText().equals("SparkListenerTaskEnd") && !reason.equals("Success")) {
          failed.add("stage " + e.path("Stage ID").asInt() + "." + e.path("Stage Attempt ID").asInt() + " task "
              + e.path("Task Info").path("Task ID").asLong() + " on executor "
              + e.path("Task Info").path("Executor ID").asText() + ": " + reason);
        }
      }
      return failed;
    }

    /** Stage attempts after the first (a stage submitted again after a fetch failure), as "S.A". */
    List<String> resubmittedStages() {
      List<String> stages = new ArrayList<>();
      for (JsonNode e : events) {
        JsonNode info = e.path("Stage Info");
        if (e.path("Event").asText().equals("SparkListenerStageSubmitted") && info.path("Stage Attempt ID").asInt() > 0) {
          stages.add(info.path("Stage ID").asInt() + "." + info.path("Stage Attempt ID").asInt());
        }
      }
      return stages;
    }

    /** The stages among {@code stageIds} submitted after executor {@code executor} was removed, as "S.A". */
    List<String> stagesSubmittedAfterRemoval(String executor, List<Integer> stageIds) {
      List<String> stages = new ArrayList<>();
      boolean removed = false;
      for (JsonNode e : events) {
        String event = e.path("Event").asText();
        removed |= event.equals("SparkListenerExecutorRemoved") && e.path("Executor ID").asText().equals(executor);
        JsonNode info = e.path("Stage Info");
        if (removed && event.equals("SparkListenerStageSubmitted") && stageIds.contains(info.path("Stage ID").asInt())) {
          stages.add(info.path("Stage ID").asInt() + "." + info.path("Stage Attempt ID").asInt());
        }
      }
      return stages;
    }
  }

  private static Path eventDir(Started driver) {
    return work.resolve("events").resolve(driver.name().substring(0, driver.name().lastIndexOf(':')));
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
    // Each run's event log in a folder of its own: the figures of lost and redone work are read there.
    Path events = Files.createDirectories(work.resolve("events").resolve("driver-" + name));
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
        "--conf", "spark.eventLog.enabled=true",
        "--conf", "spark.eventLog.dir=" + events.toUri(),
        "--conf", "spark.eventLog.compress=false",
        "--conf", "spark.eventLog.rolling.enabled=false",
        // The REST API shows a task as running from its start (by default a stage's figures are
        // written at most every 100 ms, so a task shorter than that may never show as running).
        "--conf", "spark.ui.liveUpdate.period=0",
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

  private static void copyRecursively(Path from, Path to) throws IOException {
    deleteRecursively(to);
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** Every file under a folder (relative path) with its size. */
  private static Map<String, Long> listing(Path dir) throws IOException {
    Map<String, Long> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), Files.size(p));
      }
    }
    return files;
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
