package com.outageimpact.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Publishing is atomic per run: a publish failed (or killed) before any of its changes to the
 * file system leaves a reader the whole previous run or the whole new one, never a mix, and the
 * next run tidies up.
 *
 * <p>Run A publishes incidents X and Y and its rejects; run B republishes incident X and the
 * rejects, so the whole of B is B's rows for X and the rejects, and A's rows for Y.
 */
class PublisherTest {

  private static final SparkSession spark = SparkTestSession.get();
  private static final Configuration CONF = new Configuration();

  @TempDir static Path shared;
  /** What publishing run B changes on the file system, in order, from an uninterrupted publish. */
  private static List<String> changesOfB;
  private static Path afterRunA;
  private static Snapshot runA;
  private static String runA0;

  @TempDir Path tmp;

  /** What a reader sees: the run the manifest names, and which run wrote each row it reads. */
  record Snapshot(String runId, Set<String> rejects, Set<String> sectorRows) {}

  @BeforeAll
  static void publishRunA() throws Exception {
    if (runA != null) {
      return;
    }
    afterRunA = shared.resolve("out");
    // An earlier run first, so that publishing after A has an old run folder to remove.
    Publisher a0 = new Publisher(afterRunA.toString(), CONF);
    stage(a0, List.of("X"));
    a0.commit(manifest(a0));
    runA0 = a0.runId();
    Publisher a = new Publisher(afterRunA.toString(), CONF);
    stage(a, List.of("X", "Y"));
    a.commit(manifest(a));
    runA = read(afterRunA);
    assertEquals(new Snapshot(a.runId(), Set.of(a.runId()), Set.of("X:" + a.runId(), "Y:" + a.runId())), runA);
  }

  /** Stages rejects and per-incident sector rows, each row marked with the run that wrote it. */
  private static void stage(Publisher publisher, List<String> incidents) {
    Dataset<Row> marker = spark.sql("SELECT '" + publisher.runId() + "' AS written_by");
    marker.write().parquet(publisher.stage("rejects/reports"));
    Dataset<Row> sectors = spark.createDataset(incidents, org.apache.spark.sql.Encoders.STRING()).toDF("incident_id")
        .withColumn("written_by", org.apache.spark.sql.functions.lit(publisher.runId()));
    publisher.stagePerIncident("sector_impact", sectors, incidents);
  }

  private static String manifest(Publisher publisher) {
    return "{\"job\": \"test\", \"run_id\": \"" + publisher.runId() + "\", \"status\": \"complete\"}";
  }

  /** Reads as a reader would: the manifest once, then every table through it. */
  private static Snapshot read(Path out) throws IOException {
    PublishedRun run = PublishedRun.read(out);
    Set<String> rejects = new TreeSet<>();
    spark.read().parquet(run.table("rejects/reports")).collectAsList().forEach(r -> rejects.add(r.getString(0)));
    Set<String> sectors = new TreeSet<>();
    spark.read().parquet(run.table("sector_impact")).select("incident_id", "written_by").collectAsList()
        .forEach(r -> sectors.add(r.getString(0) + ":" + r.getString(1)));
    return new Snapshot(run.manifest().get("run_id").asText(), rejects, sectors);
  }

  private Path copyOfRunA() throws IOException {
    Path out = tmp.resolve("out");
    // The raw file system copies the files as they are (a checksummed copy adds a .crc beside the manifest).
    org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(CONF).getRawFileSystem();
    FileUtil.copy(local, new org.apache.hadoop.fs.Path(afterRunA.toUri()), local, new org.apache.hadoop.fs.Path(out.toUri()),
        false, CONF);
    return out;
  }

  /**
   * Every change publishing run B makes, failed before it, once cleaned up as a failed run is and
   * once left as a killed run is; and the publish that does not fail (index past the last change).
   */
  static Stream<Arguments> everyChangeFailedOrKilled() throws Exception {
    publishRunA();
    if (changesOfB == null) {
      Path out = shared.resolve("dry-run");
      org.apache.hadoop.fs.FileSystem local = org.apache.hadoop.fs.FileSystem.getLocal(CONF).getRawFileSystem();
      FileUtil.copy(local, new org.apache.hadoop.fs.Path(afterRunA.toUri()), local, new org.apache.hadoop.fs.Path(out.toUri()),
          false, CONF);
      Publisher b = new Publisher(out.toString(), CONF);
      List<String> changes = new ArrayList<>();
      b.beforeEachChange(changes::add);
      stage(b, List.of("X"));
      b.commit(manifest(b));
      changesOfB = changes;
      assertTrue(changes.contains(Publisher.COMMIT) && changes.indexOf(Publisher.COMMIT) < changes.size() - 1,
          "changes before and after the commit: " + changes);
    }
    List<Arguments> cases = new ArrayList<>();
    for (int i = 0; i <= changesOfB.size(); i++) {
      String before = i < changesOfB.size() ? changesOfB.get(i) : "(none: not failed)";
      cases.add(Arguments.of(i, before, true));
      if (i < changesOfB.size()) {
        cases.add(Arguments.of(i, before, false));
      }
    }
    return cases.stream();
  }

  /** An exception from the publish hook, standing for a crash at that point. */
  static final class Injected extends RuntimeException {
    Injected(String change) {
      super("injected failure before: " + change);
    }
  }

  @ParameterizedTest(name = "failed before change {0} ({1}), cleaned up: {2}")
  @MethodSource("everyChangeFailedOrKilled")
  void aPublishStoppedBeforeAnyChangeLeavesTheWholeOldRunOrTheWholeNewOne(int failBefore, String change,
      boolean aborted) throws Exception {
    Path out = copyOfRunA();
    Publisher b = new Publisher(out.toString(), CONF);
    Snapshot runB = new Snapshot(b.runId(), Set.of(b.runId()), Set.of("X:" + b.runId(), "Y:" + runA.runId()));
    boolean committed = failBefore > changesOfB.indexOf(Publisher.COMMIT);
    List<String> done = new ArrayList<>();
    List<String> mixes = new ArrayList<>();
    b.beforeEachChange(next -> {
      // A reader at this very moment, while the publish is part done.
      try {
        Snapshot now = read(out);
        Snapshot expected = done.contains(Publisher.COMMIT) ? runB : runA;
        if (!now.equals(expected)) {
          mixes.add("before '" + next + "': read " + now + ", expected " + expected);
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (done.size() == failBefore) {
        throw new Injected(next);
      }
      done.add(next);
    });
    stage(b, List.of("X"));
    if (committed) {
      b.commit(manifest(b)); // the run is published: failing to tidy up after it is only logged
    } else {
      assertThrows(Injected.class, () -> b.commit(manifest(b)));
      if (aborted) {
        b.abort();
      }
    }

    assertEquals(List.of(), mixes);
    assertEquals(committed ? runB : runA, read(out));

    // The next run starts: what the stopped one left is removed, the committed run and the one
    // before it stay (a reader may still be on it), and publishing works as usual.
    Publisher c = new Publisher(out.toString(), CONF);
    Set<String> expectedRuns = committed ? Set.of(runA.runId(), b.runId()) : Set.of(runA0, runA.runId());
    assertEquals(expectedRuns, runFolders(out));
    assertEquals(Set.of("manifest.json", "runs"), entries(out), "no commit record or staging left");
    stage(c, List.of("Y"));
    c.commit(manifest(c));
    String xWriter = committed ? b.runId() : runA.runId();
    assertEquals(new Snapshot(c.runId(), Set.of(c.runId()), Set.of("X:" + xWriter, "Y:" + c.runId())), read(out));
    assertEquals(Set.of(c.runId(), committed ? b.runId() : runA.runId()), runFolders(out));
  }

  @Test
  void theManifestNamesTheRunsFolderAndThePreviousOne() throws Exception {
    Path out = copyOfRunA();
    Publisher b = new Publisher(out.toString(), CONF);
    stage(b, List.of("X"));
    String published = b.commit(manifest(b));
    PublishedRun run = PublishedRun.read(out);
    assertEquals(published, Files.readString(out.resolve("manifest.json")));
    assertEquals("runs/" + b.runId(), run.manifest().get("tables").asText());
    assertEquals("runs/" + runA.runId(), run.manifest().get("previous_tables").asText());
    // The run's folder holds its own manifest, naming the folder itself: a reader can keep to it.
    Path kept = out.resolve("runs").resolve(b.runId());
    assertEquals(".", PublishedRun.read(kept).manifest().get("tables").asText());
    assertEquals(b.runId(), PublishedRun.read(kept).manifest().get("run_id").asText());
    assertEquals(read(out), read(kept));
  }

  @Test
  void aFailedFirstRunLeavesNoOutputFolder() throws Exception {
    Path out = tmp.resolve("new/deeper/out");
    Publisher first = new Publisher(out.toString(), CONF);
    stage(first, List.of("X"));
    assertTrue(Files.isDirectory(out));
    first.abort();
    assertFalse(Files.exists(tmp.resolve("new")), "the folders the run created are gone");
  }

  @Test
  void aFailedRunLeavesAnExistingEmptyOutputFolderAlone() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Publisher first = new Publisher(out.toString(), CONF);
    stage(first, List.of("X"));
    first.abort();
    assertEquals(Set.of(), entries(out));
  }

  @Test
  void theLayoutBeforeRunFoldersIsReplacedWhole() throws Exception {
    // What an earlier build left: tables beside a manifest without "tables", and a killed run's staging.
    Path out = tmp.resolve("out");
    Files.createDirectories(out.resolve("_staging/some-killed-run/rejects"));
    spark.sql("SELECT 'old' AS written_by").write().parquet(out.resolve("rejects/reports").toString());
    Files.writeString(out.resolve("manifest.json"), "{\"run_id\": \"old\"}");
    assertEquals("old", spark.read().parquet(PublishedRun.read(out).table("rejects/reports")).first().getString(0),
        "read where an earlier build put it");

    Publisher next = new Publisher(out.toString(), CONF);
    assertFalse(Files.exists(out.resolve("_staging")), "a killed run's staging is removed at the next start");
    stage(next, List.of("X"));
    next.commit(manifest(next));
    assertEquals(new Snapshot(next.runId(), Set.of(next.runId()), Set.of("X:" + next.runId())), read(out));
    assertEquals(Set.of("manifest.json", "runs"), entries(out), "the old top-level tables are gone");
  }

  /**
   * Partition values are data, never paths (bad-input catalogue): a sector such as
   * {@code ../../x} is written inside the table's folder, one partition folder per value, and
   * read back as written.
   */
  @Test
  void hostilePartitionValuesStayInsideTheTableAndReadBackAsWritten() throws Exception {
    Path parent = tmp.resolve("hostile");
    Path out = parent.resolve("out");
    List<String> sectors = List.of("../../escaped", "a/b", "..", "x=y", "%2F", "retail");
    Publisher p = new Publisher(out.toString(), CONF);
    Dataset<Row> rows = spark.createDataset(sectors, org.apache.spark.sql.Encoders.STRING()).toDF("sector")
        .withColumn("incident_id", org.apache.spark.sql.functions.lit("X"))
        .withColumn("businesses", org.apache.spark.sql.functions.lit(1));
    p.stagePerIncident("business_impact", rows, List.of("X"), "sector");
    p.commit(manifest(p));
    assertEquals(Set.of("out"), entries(parent), "nothing written beside the output folder");
    Path incident = out.resolve("runs").resolve(p.runId()).resolve("business_impact").resolve("incident_id=X");
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path relative = out.relativize(f.toRealPath());
        assertFalse(relative.startsWith(".."), f + " is outside the output folder");
      }
    }
    Set<String> partitions = new TreeSet<>();
    entries(incident).stream().filter(n -> !n.startsWith("_") && !n.startsWith(".")).forEach(partitions::add);
    assertEquals(sectors.size(), partitions.size(), "one partition folder per value, in the table's folder: " + partitions);
    assertTrue(partitions.stream().allMatch(n -> n.startsWith("sector=") && !n.contains("/")), partitions.toString());
    Set<String> read = new TreeSet<>();
    spark.read().parquet(PublishedRun.read(out).table("business_impact")).select("sector").collectAsList()
        .forEach(r -> read.add(r.getString(0)));
    assertEquals(new TreeSet<>(sectors), read, "the values read back");
  }

  private static Set<String> runFolders(Path out) throws IOException {
    return entries(out.resolve("runs"));
  }

  private static Set<String> entries(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      Set<String> names = new TreeSet<>();
      list.forEach(p -> names.add(p.getFileName().toString()));
      return names;
    }
  }
}
