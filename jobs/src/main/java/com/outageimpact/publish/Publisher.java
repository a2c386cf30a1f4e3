package com.outageimpact.publish;

import static org.apache.spark.sql.functions.col;

import com.outageimpact.common.InputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's outputs all at once. Everything is written under a staging folder
 * ({@code _staging/<run>/}, which readers skip because of its leading underscore); on
 * {@link #commit} each staged folder replaces its target by rename, and the manifest is written
 * last. A run that fails before commit publishes nothing and leaves earlier outputs as they were.
 *
 * <p>Targets are replaced whole: a per-incident target (e.g. {@code sector_impact/incident_id=X})
 * replaces that incident's rows and leaves other incidents' rows alone.
 */
public final class Publisher {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  private final FileSystem fs;
  private final Configuration hadoopConf;
  private final Path outRoot;
  private final String runId;
  private final Path staging;
  private final List<String> staged = new ArrayList<>();

  public Publisher(String outPath, Configuration hadoopConf) {
    try {
      this.outRoot = new Path(outPath);
      this.fs = outRoot.getFileSystem(hadoopConf);
      this.hadoopConf = hadoopConf;
      this.runId = UUID.randomUUID().toString();
      this.staging = new Path(new Path(outRoot, "_staging"), runId);
    } catch (IOException e) {
      throw new InputException("output " + outPath + ": " + e.getMessage(), e);
    }
  }

  public String runId() {
    return runId;
  }

  /** Where to write the output that will be published at {@code relativeTarget} (e.g. "rejects/reports"). */
  public String stage(String relativeTarget) {
    if (!staged.contains(relativeTarget)) {
      staged.add(relativeTarget);
    }
    return new Path(staging, relativeTarget).toString();
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

  /** Swaps every staged output into place, then writes the manifest (so a manifest means a complete run). */
  public void commit(String manifestJson) throws IOException {
    Path trash = new Path(new Path(outRoot, "_trash"), runId);
    for (String relative : staged) {
      Path source = new Path(staging, relative);
      Path target = new Path(outRoot, relative);
      if (!fs.exists(source)) {
        throw new IllegalStateException("nothing was staged for " + relative);
      }
      fs.mkdirs(target.getParent());
      if (fs.exists(target)) {
        Path old = new Path(trash, relative);
        fs.mkdirs(old.getParent());
        rename(target, old);
      }
      rename(source, target);
    }
    Path manifestTmp = new Path(staging, "manifest.json");
    // No .crc side file beside the manifest (readers of the output folder do not want one). The
    // setting goes on a private file system instance: the cached one is shared with Spark.
    try (FileSystem own = FileSystem.newInstance(manifestTmp.toUri(), hadoopConf);
        OutputStream out = createWithoutChecksum(own, manifestTmp)) {
      out.write(manifestJson.getBytes(StandardCharsets.UTF_8));
    }
    Path manifest = new Path(outRoot, "manifest.json");
    if (fs.exists(manifest)) {
      fs.delete(manifest, false);
    }
    rename(manifestTmp, manifest);
    fs.delete(trash, true);
    cleanUp();
    LOG.info("published {} output(s) to {}", staged.size(), outRoot);
  }

  private static OutputStream createWithoutChecksum(FileSystem own, Path path) throws IOException {
    own.setWriteChecksum(false);
    return own.create(path, true);
  }

  /** Removes the staging folder of a run that will not be committed. */
  public void abort() {
    try {
      cleanUp();
    } catch (IOException e) {
      LOG.warn("could not remove staging folder {}: {}", staging, e.getMessage());
    }
  }

  private void cleanUp() throws IOException {
    fs.delete(staging, true);
    deleteIfEmpty(staging.getParent());
    deleteIfEmpty(new Path(outRoot, "_trash"));
  }

  private void deleteIfEmpty(Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  private void rename(Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }
}
