package com.outageimpact.publish;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.outageimpact.common.InputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's outputs all at once, so that a reader sees the whole previous run or the whole
 * new one, never a mix.
 *
 * <p>Each run writes every output under its own folder, {@code runs/<run>/}. {@code manifest.json}
 * at the top of the output folder is the commit record: it names the committed run's folder
 * ({@code "tables": "runs/<run>"}, relative to the manifest's folder), and {@link #commit} replaces it in one atomic rename, after
 * everything the new run publishes is in place. Readers read the manifest first and the tables
 * under the folder it names ({@link PublishedRun}). Until that rename, the manifest names the
 * previous run, whose folder is never written to.
 *
 * <p>Outputs are replaced whole: a per-incident output (e.g. {@code sector_impact/incident_id=X})
 * replaces that incident's rows; other incidents' rows, and outputs this run does not write, are
 * carried over from the previous run into the new folder before the commit.
 *
 * <p>Clean-up: the run folders other than the committed one and the one before it (kept for
 * readers that read the old manifest a moment ago) are removed after a commit and when the next
 * publisher starts, which also removes what a killed run left. A run that fails removes its own
 * folder, and the output folder too when the run created it.
 */
public final class Publisher {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  public static final String MANIFEST = "manifest.json";
  public static final String RUNS = "runs";
  /** Manifest keys: the committed run's folder, and the run before it, relative to the output folder. */
  public static final String TABLES_KEY = "tables";
  public static final String PREVIOUS_TABLES_KEY = "previous_tables";
  private static final String POINTER_TEMP_PREFIX = ".manifest.json.";
  /** Folders of the layout before per-run folders, removed when seen. */
  private static final String[] OLD_WORK_FOLDERS = {"_staging", "_trash"};

  /** What {@link #commit} says before the rename that commits the run (see {@link #beforeEachChange}). */
  static final String COMMIT = "commit: rename the commit record over manifest.json";

  private final FileSystem fs;
  private final Configuration hadoopConf;
  private final Path outRoot;
  private final String runId;
  private final Path runFolder;
  /** The highest folder of {@code outRoot}'s path that did not exist: a failed run removes it again. */
  private final Path createdFolder;
  /** The committed run's folder when this publisher started ({@code null}: none), carried over from. */
  private final String previousTables;
  private final List<String> staged = new ArrayList<>();
  private Consumer<String> beforeChange = change -> {};
  private boolean committed;

  public Publisher(String outPath, Configuration hadoopConf) {
    try {
      this.outRoot = new Path(outPath);
      this.fs = outRoot.getFileSystem(hadoopConf);
      this.hadoopConf = hadoopConf;
      this.runId = UUID.randomUUID().toString();
      this.runFolder = new Path(new Path(outRoot, RUNS), runId);
      this.createdFolder = highestMissing(outRoot);
      JsonNode current = readManifest();
      this.previousTables = current == null ? null : text(current, TABLES_KEY);
      removeStaleRuns(current == null ? Set.of() : keep(previousTables, text(current, PREVIOUS_TABLES_KEY)));
    } catch (IOException e) {
      throw new InputException("output " + outPath + ": " + e.getMessage(), e);
    }
  }

  /**
   * Before any Spark work: {@code outPath} is a folder that can be written, or can be created
   * as one. Checked by writing and removing a small file in it (or in the nearest folder above it
   * that exists), which also finds read-only mounts and ACLs that permission bits do not show.
   * Leaves nothing behind.
   */
  public static void checkOutput(String outPath, Configuration hadoopConf) {
    Path out = new Path(outPath);
    try {
      FileSystem fs = out.getFileSystem(hadoopConf);
      Path existing = out;
      while (existing != null && !fs.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        throw new InputException("output " + outPath + ": no folder of its path exists");
      }
      if (!fs.getFileStatus(existing).isDirectory()) {
        throw new InputException("output " + outPath + ": " + (existing.equals(out) ? "is a file, not a folder"
            : "cannot be created, " + existing + " is a file"));
      }
      Path probe = new Path(existing, ".outage-impact-write-check-" + UUID.randomUUID());
      try {
        fs.create(probe, false).close();
      } catch (IOException e) {
        throw new InputException("output " + outPath + ": cannot write in " + existing + " ("
            + com.outageimpact.common.Failures.firstLine(e) + ")", e);
      }
      fs.delete(probe, false);
      fs.delete(new Path(existing, "." + probe.getName() + ".crc"), false);
    } catch (IOException e) {
      throw new InputException("output " + outPath + ": " + com.outageimpact.common.Failures.firstLine(e), e);
    }
  }

  public String runId() {
    return runId;
  }

  /**
   * Called before each change {@link #commit} makes to the file system, with what it is about to
   * do: a test throws from it to fail the publish before any one of them, and reads the outputs
   * there as a reader would.
   */
  void beforeEachChange(Consumer<String> hook) {
    this.beforeChange = hook;
  }

  /** Where to write the output that will be published at {@code relativeTarget} (e.g. "rejects/reports"). */
  public String stage(String relativeTarget) {
    if (!staged.contains(relativeTarget)) {
      staged.add(relativeTarget);
    }
    return new Path(runFolder, relativeTarget).toString();
  }

  /**
   * Stages one table's rows per incident, at {@code <table>/incident_id=<id>/} (the partition
   * folder carries the id, so readers of {@code <table>/} get the column back), so that each
   * incident's rows are replaced on their own; within it, partitioned by {@code partitionBy}.
   */
  public void stagePerIncident(String table, Dataset<Row> rows, Collection<String> incidentIds,
      String... partitionBy) {
    for (String id : incidentIds) {
      // One small file per incident: these tables grow with incidents and buckets, not with the data.
      rows.filter(col("incident_id").equalTo(id)).drop("incident_id")
          .coalesce(1)
          .write().mode(SaveMode.Overwrite)
          .partitionBy(partitionBy)
          .parquet(stage(table + "/incident_id=" + id));
    }
  }

  /**
   * Completes the run's folder, then makes it the committed run by one atomic rename of the
   * manifest. Returns the published manifest: {@code manifestJson} with the run's folder
   * ({@code tables}) and the previous run's ({@code previous_tables}) added.
   */
  public String commit(String manifestJson) throws IOException {
    for (String relative : staged) {
      if (!fs.exists(new Path(runFolder, relative))) {
        throw new IllegalStateException("nothing was staged for " + relative);
      }
    }
    String published = withFolders(manifestJson);
    if (previousTables != null) {
      carryOver(new Path(outRoot, previousTables), runFolder, "");
    }
    beforeChange.accept("create the run folder");
    fs.mkdirs(runFolder);
    // A copy inside the run's folder, whose tables are beside it: a reader that keeps the folder
    // keeps its manifest too, and reads it the same way as the output folder.
    beforeChange.accept("write the run's manifest");
    writeWithoutChecksum(new Path(runFolder, MANIFEST), inRunFolder(published));
    Path record = new Path(outRoot, POINTER_TEMP_PREFIX + runId);
    beforeChange.accept("write the commit record");
    writeWithoutChecksum(record, published);
    beforeChange.accept(COMMIT);
    replaceAtomically(record, new Path(outRoot, MANIFEST));
    committed = true;
    LOG.info("published {} output(s) to {} ({})", staged.size(), outRoot, RUNS + "/" + runId);
    try {
      // The run is published: failing to tidy up must not fail it (the next run tidies up again).
      removeStaleRuns(keep(RUNS + "/" + runId, previousTables));
      removeOldLayout();
    } catch (IOException | RuntimeException e) {
      LOG.warn("published, but could not remove old run folders under {}: {}", outRoot, e.getMessage());
    }
    return published;
  }

  /**
   * Removes what a run that will not be committed wrote: its folder, and the output folder when
   * this run created it. After the commit there is nothing to undo.
   */
  public void abort() {
    if (committed) {
      return;
    }
    try {
      fs.delete(runFolder, true);
      fs.delete(new Path(outRoot, POINTER_TEMP_PREFIX + runId), false);
      deleteIfEmpty(runFolder.getParent());
      if (createdFolder != null) {
        // Only empty folders: anything else there was put by someone else meanwhile.
        for (Path dir = outRoot; dir != null; dir = dir.equals(createdFolder) ? null : dir.getParent()) {
          deleteIfEmpty(dir);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not remove the run folder {}: {}", runFolder, e.getMessage());
    }
  }

  /** The manifest with the run's folder and the previous run's after {@code run_id}. */
  private String withFolders(String manifestJson) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    JsonNode given = mapper.readTree(manifestJson);
    if (!runId.equals(text(given, "run_id"))) {
      throw new IllegalStateException("the manifest is for run " + text(given, "run_id") + ", not " + runId);
    }
    ObjectNode manifest = mapper.createObjectNode();
    given.fields().forEachRemaining(field -> {
      manifest.set(field.getKey(), field.getValue());
      if (field.getKey().equals("run_id")) {
        manifest.put(TABLES_KEY, RUNS + "/" + runId);
        manifest.put(PREVIOUS_TABLES_KEY, previousTables);
      }
    });
    return mapper.writeValueAsString(manifest);
  }

  /** The manifest as kept in the run's folder: its tables are there, and no earlier run is. */
  private static String inRunFolder(String published) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode manifest = (ObjectNode) mapper.readTree(published);
    manifest.put(TABLES_KEY, ".");
    manifest.remove(PREVIOUS_TABLES_KEY);
    return mapper.writeValueAsString(manifest);
  }

  /**
   * Copies into {@code to} what the previous run published and this run does not replace: whole
   * outputs it does not write, and other incidents' folders inside the tables it writes.
   */
  private void carryOver(Path from, Path to, String relative) throws IOException {
    if (!fs.exists(from)) {
      return;
    }
    for (FileStatus child : fs.listStatus(from)) {
      String name = child.getPath().getName();
      String path = relative.isEmpty() ? name : relative + "/" + name;
      if (path.equals(MANIFEST) || staged.contains(path)) {
        continue;
      }
      Path target = new Path(to, name);
      if (child.isDirectory() && staged.stream().anyMatch(s -> s.startsWith(path + "/"))) {
        carryOver(child.getPath(), target, path);
      } else {
        beforeChange.accept("copy " + path + " from the previous run");
        fs.mkdirs(to);
        FileUtil.copy(fs, child.getPath(), fs, target, false, hadoopConf);
      }
    }
  }

  /**
   * Renames {@code from} over {@code to} in one step: readers see the old file or the new one.
   * On a local disk a POSIX rename; elsewhere the file system's rename with overwrite (atomic on
   * HDFS).
   */
  private void replaceAtomically(Path from, Path to) throws IOException {
    Path qualified = fs.makeQualified(from);
    if ("file".equals(qualified.toUri().getScheme())) {
      java.nio.file.Path target = java.nio.file.Path.of(fs.makeQualified(to).toUri());
      Files.move(java.nio.file.Path.of(qualified.toUri()), target,
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      // A checksum left beside the old file (a copy made with Hadoop's tools) would not match the new one.
      Files.deleteIfExists(target.resolveSibling("." + target.getFileName() + ".crc"));
    } else {
      FileContext.getFileContext(qualified.toUri(), hadoopConf).rename(from, to, Options.Rename.OVERWRITE);
    }
  }

  /**
   * Writes a small file with no {@code .crc} side file (readers of the output folder do not want
   * one). The setting goes on a private file system instance: the cached one is shared with Spark.
   */
  private void writeWithoutChecksum(Path path, String text) throws IOException {
    try (FileSystem own = FileSystem.newInstance(path.toUri(), hadoopConf)) {
      own.setWriteChecksum(false);
      try (OutputStream out = own.create(path, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private JsonNode readManifest() throws IOException {
    return PublishedRun.readManifest(fs, new Path(outRoot, MANIFEST));
  }

  /** Removes every run folder but {@code keep}, and the commit records of runs that never committed. */
  private void removeStaleRuns(Set<String> keep) throws IOException {
    Path runs = new Path(outRoot, RUNS);
    if (fs.exists(runs)) {
      for (FileStatus run : fs.listStatus(runs)) {
        if (!keep.contains(RUNS + "/" + run.getPath().getName()) && !run.getPath().equals(fs.makeQualified(runFolder))) {
          beforeChange.accept("remove " + RUNS + "/" + run.getPath().getName());
          LOG.info("removing run folder {}", run.getPath());
          fs.delete(run.getPath(), true);
        }
      }
    }
    if (fs.exists(outRoot) && fs.getFileStatus(outRoot).isDirectory()) {
      for (FileStatus file : fs.listStatus(outRoot)) {
        String name = file.getPath().getName();
        if (name.startsWith(POINTER_TEMP_PREFIX) && !name.equals(POINTER_TEMP_PREFIX + runId)) {
          beforeChange.accept("remove " + name);
          fs.delete(file.getPath(), false);
        }
      }
      for (String old : OLD_WORK_FOLDERS) {
        if (fs.exists(new Path(outRoot, old))) {
          beforeChange.accept("remove " + old);
          fs.delete(new Path(outRoot, old), true);
        }
      }
    }
  }

  /**
   * Outputs that an earlier build wrote at the top of the output folder, under the names this run
   * publishes: the manifest now points elsewhere, so nothing reads them.
   */
  private void removeOldLayout() throws IOException {
    Set<String> names = new HashSet<>();
    staged.forEach(s -> names.add(s.split("/")[0]));
    for (String name : names) {
      if (!name.equals(RUNS) && fs.exists(new Path(outRoot, name))) {
        beforeChange.accept("remove the earlier layout's " + name);
        fs.delete(new Path(outRoot, name), true);
      }
    }
  }

  private static Set<String> keep(String... folders) {
    Set<String> keep = new HashSet<>();
    for (String folder : folders) {
      if (folder != null) {
        keep.add(folder);
      }
    }
    return keep;
  }

  private Path highestMissing(Path path) throws IOException {
    Path missing = null;
    for (Path p = path; p != null && !fs.exists(p); p = p.getParent()) {
      missing = p;
    }
    return missing;
  }

  private void deleteIfEmpty(Path dir) throws IOException {
    if (fs.exists(dir) && fs.getFileStatus(dir).isDirectory() && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }
}
