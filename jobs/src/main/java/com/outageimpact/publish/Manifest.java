package com.outageimpact.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.outageimpact.common.StageTimer;
import com.outageimpact.ingest.InputCounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * manifest.json: what a run read (with counts that reconcile), with which parameters and
 * versions, what it published, and how long each stage took. Written last, on commit.
 */
public final class Manifest {

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, Object> inputs = new LinkedHashMap<>();
  private final List<String> outputs = new ArrayList<>();

  public Manifest(String job, String runId, Instant startedAt, String sparkVersion) {
    root.put("job", job);
    root.put("run_id", runId);
    root.put("started_at", startedAt.toString());
    Map<String, Object> versions = new LinkedHashMap<>();
    versions.put("product", productVersion());
    versions.put("spark", sparkVersion);
    versions.put("scala", scala.util.Properties.versionNumberString());
    versions.put("java", System.getProperty("java.version"));
    root.put("versions", versions);
  }

  public Manifest parameters(Map<String, ?> parameters) {
    root.put("parameters", new LinkedHashMap<>(parameters));
    return this;
  }

  public Manifest input(String name, String path) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("path", path);
    inputs.put(name, entry);
    return this;
  }

  public Manifest input(InputCounts counts) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("path", counts.path());
    entry.put("format", counts.format());
    entry.put("files", counts.files());
    if (counts.dates() != null) {
      entry.put("dates", counts.dates().toString());
      entry.put("files_skipped", counts.filesSkipped());
    }
    entry.put("read", counts.read());
    entry.put("accepted", counts.accepted());
    entry.put("rejected", counts.rejected());
    entry.put("duplicates", counts.duplicates());
    entry.put("conflicting_duplicates", counts.conflictingDuplicates());
    entry.put("rejected_by_reason", counts.rejectedByReason());
    inputs.put(counts.input(), entry);
    return this;
  }

  public Manifest output(String relativePath) {
    outputs.add(relativePath);
    return this;
  }

  public Manifest put(String key, Object value) {
    root.put(key, value);
    return this;
  }

  public String toJson(List<StageTimer.StageRecord> stages, Instant finishedAt) {
    Map<String, Object> document = new LinkedHashMap<>(root);
    document.put("finished_at", finishedAt.toString());
    document.put("status", "complete");
    document.put("inputs", inputs);
    document.put("outputs", outputs);
    List<Map<String, Object>> stageList = new ArrayList<>();
    for (StageTimer.StageRecord stage : stages) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", stage.name());
      entry.put("seconds", stage.seconds());
      entry.put("counts", stage.counts());
      stageList.add(entry);
    }
    document.put("stages", stageList);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the manifest", e);
    }
  }

  private static String productVersion() {
    String version = Manifest.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }
}
