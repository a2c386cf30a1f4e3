package com.outageimpact.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reading the committed run of an output folder: its manifest names the folder that holds the
 * run's tables ({@link Publisher}). Read the manifest once and every table through the same
 * instance, and the tables are all from one run, even while another run commits.
 *
 * <pre>{@code
 * PublishedRun run = PublishedRun.read("out", spark.sparkContext().hadoopConfiguration());
 * spark.read().parquet(run.table("sector_impact"));
 * }</pre>
 */
public final class PublishedRun {

  private final JsonNode manifest;
  private final Path tables;

  private PublishedRun(JsonNode manifest, Path tables) {
    this.manifest = manifest;
    this.tables = tables;
  }

  /** The run committed in {@code out}; fails, naming the folder, when none was. */
  public static PublishedRun read(String out, Configuration hadoopConf) throws IOException {
    Path root = new Path(out);
    Path manifestPath = new Path(root, Publisher.MANIFEST);
    FileSystem fs = root.getFileSystem(hadoopConf);
    JsonNode manifest = readManifest(fs, manifestPath);
    if (manifest == null) {
      throw new IOException("no run was published in " + out + ": " + manifestPath + " does not exist");
    }
    JsonNode folder = manifest.get(Publisher.TABLES_KEY);
    // A manifest without the key was written before per-run folders, with the tables beside it.
    return new PublishedRun(manifest, folder == null || folder.isNull() ? root : new Path(root, folder.asText()));
  }

  /** The same, for a local folder (tests and tools). */
  public static PublishedRun read(java.nio.file.Path out) throws IOException {
    return read(out.toString(), new Configuration());
  }

  /**
   * The manifest at {@code path}, or null when there is none. Read without checksum files: the
   * manifest is written without one, and a stale one left by a copy must not fail the read.
   */
  static JsonNode readManifest(FileSystem fs, Path path) throws IOException {
    FileSystem raw = fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    if (!raw.exists(path)) {
      return null;
    }
    try (InputStream in = raw.open(path)) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** Where an output of this run is, e.g. {@code table("rejects/reports")}. */
  public String table(String relative) {
    return new Path(tables, relative).toString();
  }

  /** The folder holding this run's outputs. */
  public String folder() {
    return tables.toString();
  }

  public JsonNode manifest() {
    return manifest;
  }
}
