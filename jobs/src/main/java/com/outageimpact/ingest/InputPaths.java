package com.outageimpact.ingest;

import com.outageimpact.common.InputException;
import com.outageimpact.common.JobOptions;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where each input is: an explicit option ({@code --transactions PATH}) wins; otherwise the
 * conventional name under {@code --data DIR}: a folder {@code DIR/transactions/} or a file
 * {@code DIR/transactions.csv|.json|.jsonl|.parquet}, and {@code DIR/graph.json},
 * {@code DIR/incident.json}. Optional inputs that are not found are simply absent.
 */
public final class InputPaths {

  /** Inputs by contract name, with the option that names each. */
  public static final Map<String, String> OPTIONS = new LinkedHashMap<>();

  static {
    OPTIONS.put("graph", "graph");
    OPTIONS.put("incident", "incident");
    OPTIONS.put("reports", "reports");
    OPTIONS.put("businesses", "businesses");
    OPTIONS.put("business_services", "business-services");
    OPTIONS.put("transactions", "transactions");
    OPTIONS.put("sla_tiers", "sla-tiers");
    OPTIONS.put("fx_rates", "fx-rates");
    OPTIONS.put("policies", "policies");
  }

  private static final String[] EXTENSIONS = {"", ".csv", ".jsonl", ".json", ".ndjson", ".parquet", ".csv.gz", ".jsonl.gz"};

  private final Map<String, String> paths = new LinkedHashMap<>();

  private InputPaths() {}

  /** Declares the path options on a job. */
  public static JobOptions declare(JobOptions options, String... inputs) {
    options.option("data", null, "folder holding the inputs under their contract names");
    for (String input : inputs) {
      options.option(OPTIONS.get(input), null, "path of the " + input + " input (overrides --data)");
    }
    options.option("format", null, "format of every tabular input: csv, json or parquet (default: from file names)");
    return options;
  }

  public static InputPaths resolve(JobOptions options, Configuration hadoopConf, String... inputs) {
    InputPaths resolved = new InputPaths();
    String data = options.get("data");
    for (String input : inputs) {
      String explicit = options.get(OPTIONS.get(input));
      if (explicit != null) {
        resolved.paths.put(input, explicit);
      } else if (data != null) {
        String found = find(new Path(data), input, hadoopConf);
        if (found != null) {
          resolved.paths.put(input, found);
        }
      }
    }
    return resolved;
  }

  private static String find(Path dir, String input, Configuration hadoopConf) {
    try {
      FileSystem fs = dir.getFileSystem(hadoopConf);
      for (String extension : EXTENSIONS) {
        Path candidate = new Path(dir, input + (input.equals("graph") || input.equals("incident") ? ".json" : extension));
        if (fs.exists(candidate)) {
          FileStatus status = fs.getFileStatus(candidate);
          if (status.isDirectory() || status.isFile()) {
            return candidate.toString();
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot look in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The path of an input, or null when it was not given and not found. */
  public String get(String input) {
    return paths.get(input);
  }

  /** The path of a required input; the error says how to give it. */
  public String require(String input) {
    String path = paths.get(input);
    if (path == null) {
      throw new IllegalArgumentException("input '" + input + "' is required: give --" + OPTIONS.get(input)
          + " PATH, or --data DIR with " + input + (input.equals("graph") ? ".json" : "/") + " in it");
    }
    return path;
  }

  /**
   * Before any Spark work: every required input was given or found, and every input's path
   * exists. Each failure is one line naming the input (and the path).
   */
  public InputPaths checkPresent(Configuration hadoopConf, String... required) {
    for (String input : required) {
      require(input);
    }
    for (Map.Entry<String, String> input : paths.entrySet()) {
      Path path = new Path(input.getValue());
      try {
        if (!path.getFileSystem(hadoopConf).exists(path)) {
          throw new InputException("input '" + input.getKey() + "': path does not exist: " + path);
        }
      } catch (IOException e) {
        throw new InputException("input '" + input.getKey() + "': cannot look at " + path + ": " + e.getMessage(), e);
      }
    }
    return this;
  }

  public Map<String, String> all() {
    return paths;
  }
}
