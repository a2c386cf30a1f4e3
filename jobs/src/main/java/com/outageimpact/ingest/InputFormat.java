package com.outageimpact.ingest;

import java.util.Locale;

/** The file formats the contract accepts for tabular inputs. */
public enum InputFormat {
  CSV, JSON, PARQUET;

  /** The format a file name implies, or null when its extension says nothing (compression suffixes are skipped). */
  public static InputFormat fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    for (String compression : new String[] {".gz", ".bz2", ".deflate", ".zst", ".lz4", ".snappy"}) {
      if (name.endsWith(compression) && !name.endsWith(".snappy.parquet")) {
        name = name.substring(0, name.length() - compression.length());
      }
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      return JSON;
    }
    if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    return null;
  }

  public static InputFormat parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "csv" -> CSV;
      case "json", "jsonl", "ndjson" -> JSON;
      case "parquet" -> PARQUET;
      default -> throw new IllegalArgumentException("unknown format '" + value + "': use csv, json or parquet");
    };
  }
}
