package com.outageimpact.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_seconds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.outageimpact.ingest.InputFormat;
import com.outageimpact.schema.InputSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the scenario's files. Large tables go through Spark (Hive-partitioned by UTC date); small
 * tables and bad rows in text formats are written by the driver, because Spark's CSV and JSON
 * writers cannot produce a malformed line on purpose.
 */
final class TableWriter {

  static final String DATE = "date";
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE = new ObjectMapper();

  private final SparkSession spark;
  private final ScenarioConfig config;
  private final FileSystem fs;
  private final Path root;

  TableWriter(SparkSession spark, ScenarioConfig config) {
    this.spark = spark;
    this.config = config;
    this.root = new Path(config.out());
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open output folder " + config.out(), e);
    }
  }

  String path(String relative) {
    return new Path(root, relative).toString();
  }

  /** Removes what an earlier run generated here (only the generator's own entries). */
  void clear(List<String> entries) {
    try {
      for (String entry : entries) {
        Path p = new Path(root, entry);
        if (fs.exists(p)) {
          fs.delete(p, true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + config.out(), e);
    }
  }

  void writeJson(String relative, Object document) {
    try {
      write(relative, JSON.writeValueAsString(document) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + relative, e);
    }
  }

  void write(String relative, String content) {
    try (OutputStream out = fs.create(new Path(root, relative), true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + relative, e);
    }
  }

  /**
   * A small table as one file: valid rows with the bad rows mixed in at seeded positions (text),
   * or one Parquet file. Returns the number of rows written.
   */
  long writeSmallTable(InputSchema schema, List<String[]> valid, List<BadRow> bad) {
    String dir = schema.name();
    if (config.format() == InputFormat.PARQUET) {
      List<Row> rows = new ArrayList<>();
      StructType typed = nullable(schema.typedSchema());
      for (String[] v : valid) {
        rows.add(typedRow(typed, v));
      }
      for (BadRow b : bad) {
        rows.add(typedRow(typed, b.values()));
      }
      spark.createDataFrame(rows, typed).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path(dir));
      return rows.size();
    }
    List<Object> lines = new ArrayList<>(valid);
    SplittableRandom rng = Rng.rng(config.seed(), Rng.tag("bad-row-position"), Rng.tag(dir));
    for (BadRow b : bad) {
      lines.add(1 + rng.nextInt(lines.size()), b); // never first: keeps the header line clean to eyeball
    }
    StringBuilder sb = new StringBuilder();
    if (config.format() == InputFormat.CSV) {
      sb.append(String.join(",", schema.columnNames())).append('\n');
    }
    for (Object line : lines) {
      sb.append(line instanceof BadRow b ? badLine(schema, b, true) : textLine(schema, (String[]) line, true)).append('\n');
    }
    write(dir + "/part-00000." + config.extension(), sb.toString());
    return lines.size();
  }

  /**
   * A large table: Spark writes the generated rows and the duplicate deliveries (a separate set
   * of part files), partitioned by UTC date; the bad rows join them in the outage day's folder.
   */
  void writeLargeTable(InputSchema schema, Dataset<Row> rows, Dataset<Row> duplicates, List<BadRow> bad,
      String badDate, int partitions) {
    String dir = schema.name();
    Dataset<Row> all = rows.union(duplicates.coalesce(Math.max(1, partitions / 8)));
    if (!config.text() && !bad.isEmpty()) {
      List<Row> typed = new ArrayList<>();
      StructType generated = rows.schema();
      for (BadRow b : bad) {
        Object[] values = new Object[generated.size()];
        Row contract = typedRow(new StructType(Arrays.copyOf(generated.fields(), generated.size() - 1)), b.values());
        for (int i = 0; i < generated.size() - 1; i++) {
          values[i] = contract.get(i);
        }
        values[generated.size() - 1] = badDate;
        typed.add(RowFactory.create(values));
      }
      all = all.union(spark.createDataFrame(typed, generated).coalesce(1));
    }
    if (!config.text()) {
      List<Column> cols = new ArrayList<>();
      for (StructField f : all.schema().fields()) {
        if (f.name().endsWith("_epoch")) {
          String name = f.name().equals("occurred_epoch") ? "occurred_at" : "reported_at";
          cols.add(timestamp_seconds(col(f.name())).as(name));
        } else {
          cols.add(col(f.name()));
        }
      }
      all = all.select(cols.toArray(new Column[0]));
    }
    var writer = all.write().mode(SaveMode.Overwrite).partitionBy(DATE);
    switch (config.format()) {
      case CSV -> writer.option("header", "true").option("escape", "\"").csv(path(dir));
      case JSON -> writer.json(path(dir));
      case PARQUET -> writer.parquet(path(dir));
      default -> throw new IllegalStateException();
    }
    if (config.text() && !bad.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      if (config.format() == InputFormat.CSV) {
        sb.append(String.join(",", schema.columnNames())).append('\n');
      }
      for (BadRow b : bad) {
        sb.append(badLine(schema, b, false)).append('\n');
      }
      write(dir + "/" + DATE + "=" + badDate + "/part-bad-00000." + config.extension(), sb.toString());
    }
  }

  /** A truth table: one CSV file with header, or one Parquet file when the scenario is Parquet. */
  void writeTruthTable(String relative, Dataset<Row> table) {
    var writer = table.coalesce(1).write().mode(SaveMode.Overwrite);
    if (config.format() == InputFormat.PARQUET) {
      writer.parquet(path(relative));
    } else {
      writer.option("header", "true").option("escape", "\"").csv(path(relative));
    }
  }

  /** Local runs: drop Hadoop's .crc side files so the folder holds only data. */
  void removeChecksums() {
    if (!"file".equals(fs.getUri().getScheme())) {
      return;
    }
    java.nio.file.Path local = java.nio.file.Paths.get(fs.makeQualified(root).toUri().getPath());
    if (!Files.isDirectory(local)) {
      return;
    }
    try (Stream<java.nio.file.Path> files = Files.walk(local)) {
      for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) files::iterator) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(".crc")) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tidy " + local, e);
    }
  }

  private String badLine(InputSchema schema, BadRow bad, boolean nativeTypes) {
    if (bad.malformed()) {
      return config.format() == InputFormat.CSV ? bad.rawCsv() : bad.rawJson();
    }
    return textLine(schema, bad.values(), nativeTypes);
  }

  /** One CSV line (RFC 4180 quoting) or JSON object; JSON uses native booleans/numbers where asked and valid. */
  private String textLine(InputSchema schema, String[] values, boolean nativeTypes) {
    if (config.format() == InputFormat.CSV) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(csvField(values[i]));
      }
      return sb.toString();
    }
    ObjectNode node = JSON_LINE.createObjectNode();
    for (int i = 0; i < values.length; i++) {
      String v = values[i];
      if (v == null) {
        continue; // like Spark's JSON writer: absent rather than null
      }
      String name = schema.columns().get(i).name();
      DataType type = schema.columns().get(i).type();
      if (nativeTypes && type instanceof BooleanType && (v.equals("true") || v.equals("false"))) {
        node.put(name, Boolean.parseBoolean(v));
      } else if (nativeTypes && type instanceof DoubleType && v.matches("-?\\d+(\\.\\d+)?")) {
        node.put(name, new BigDecimal(v));
      } else {
        node.put(name, v);
      }
    }
    return node.toString();
  }

  static String csvField(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  /** Text values to a typed row (only for rows whose values fit the types: valid or Parquet-able bad rows). */
  static Row typedRow(StructType schema, String[] values) {
    Object[] out = new Object[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      String v = values[i];
      DataType type = schema.fields()[i].dataType();
      boolean blank = v == null || v.isBlank();
      if (type instanceof org.apache.spark.sql.types.StringType) {
        out[i] = v;
      } else if (blank) {
        out[i] = null;
      } else if (type instanceof BooleanType) {
        out[i] = Boolean.parseBoolean(v);
      } else if (type instanceof DoubleType) {
        out[i] = Double.parseDouble(v);
      } else if (type instanceof DecimalType) {
        out[i] = new BigDecimal(v);
      } else if (type instanceof LongType) {
        out[i] = Instant.parse(v).getEpochSecond();
      } else {
        throw new IllegalStateException("no text conversion to " + type);
      }
    }
    return RowFactory.create(out);
  }

  private static StructType nullable(StructType schema) {
    StructType out = new StructType();
    for (StructField f : schema.fields()) {
      out = out.add(f.name(), f.dataType(), true);
    }
    return out;
  }
}
