package com.outageimpact.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the pipeline's stages. Each stage logs one INFO line when it ends, with its counts and
 * elapsed time, and is recorded for the manifest.
 */
public final class StageTimer {

  private static final Logger LOG = LoggerFactory.getLogger(StageTimer.class);

  /** A finished stage, as the manifest records it. */
  public record StageRecord(String name, double seconds, Map<String, Object> counts) {}

  private final List<StageRecord> finished = new ArrayList<>();

  public Stage start(String name) {
    return new Stage(name);
  }

  public List<StageRecord> stages() {
    return Collections.unmodifiableList(finished);
  }

  /** A running stage; close it (try-with-resources) to log and record it. */
  public final class Stage implements AutoCloseable {
    private final String name;
    private final long startNanos = System.nanoTime();
    private final Map<String, Object> counts = new LinkedHashMap<>();

    private Stage(String name) {
      this.name = name;
      LOG.info("stage {} started", name);
    }

    public Stage count(String key, Object value) {
      counts.put(key, value);
      return this;
    }

    @Override
    public void close() {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      finished.add(new StageRecord(name, Math.round(seconds * 1000) / 1000.0, Map.copyOf(counts)));
      LOG.info("stage {} done in {} s {}", name, String.format("%.1f", seconds), counts);
    }
  }
}
