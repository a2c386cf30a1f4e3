package com.outageimpact.ingest;

import com.outageimpact.SparkTestSession;
import com.outageimpact.schema.InputSchema;
import com.outageimpact.schema.Schemas;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * A tiny hand-written data set whose every row's fate is known: valid rows, one bad row per
 * reject reason, and duplicate deliveries. It can be written in every format and layout the
 * contract allows, so that tests can check that all of them ingest to the same result.
 */
final class MiniScenario {

  static final String GRAPH = """
      {"components": [
        {"id": "bgp-core", "name": "Core routing (BGP)", "kind": "infrastructure"},
        {"id": "dns", "name": "DNS", "kind": "infrastructure"},
        {"id": "messaging", "name": "Messaging", "kind": "service"},
        {"id": "video", "name": "Video calls", "kind": "service"}],
       "dependencies": [
        {"from": "dns", "to": "bgp-core", "type": "hard"},
        {"from": "messaging", "to": "dns", "type": "hard"},
        {"from": "video", "to": "messaging", "type": "soft"}]}
      """;

  static final List<String> FX_HEADER = List.of("currency", "rate_to_reporting");
  static final List<List<String>> FX = List.of(
      List.of("EUR", "1.1600000000"),
      List.of("GBP", "1.3700000000"),
      List.of("JPY", "0.0089000000"),
      List.of("EUR", "1.1600000000"));

  static final List<String> SLA_HEADER = List.of("tier", "below_availability_pct", "credit_pct");
  static final List<List<String>> SLA = List.of(
      List.of("gold", "99.9", "10"),
      List.of("gold", "99", "25"),
      List.of("basic", "99", "10"));

  static final List<String> BUSINESS_HEADER =
      List.of("business_id", "sector", "region", "critical", "sla_tier", "monthly_fee");
  static final List<List<String>> BUSINESSES = List.of(
      List.of("b1", "retail", "US", "false", "gold", "1000.00"),
      List.of("b2", "health_care", "gb", "true", "basic", "250"),
      List.of("b3", "finance", "", "", "", ""),
      List.of("b1", "retail", "US", "false", "gold", "1000.00"),  // duplicate delivery
      List.of("", "retail", "US", "false", "gold", "1"),          // missing_required
      List.of("b5", "retail", "USA", "false", "gold", "1"),       // bad_value (region)
      List.of("b6", "retail", "US", "false", "gold", "1,5"),      // bad_number
      List.of("b7", "retail", "US", "false", "platinum", "1"));   // unknown_sla_tier

  static final List<String> SERVICE_HEADER = List.of("business_id", "service", "share");
  static final List<List<String>> BUSINESS_SERVICES = List.of(
      List.of("b1", "messaging", "0.8"),
      List.of("b2", "video", ""),
      List.of("b3", "messaging", "1"),
      List.of("b2", "video", ""),                 // duplicate delivery
      List.of("b9", "messaging", "0.5"),          // unknown_business
      List.of("b1", "fax", "0.5"),                // unknown_service
      List.of("b3", "video", "1.5"));             // bad_value (share)

  static final List<String> REPORT_HEADER =
      List.of("report_id", "reported_at", "service", "region", "problem", "reporter_hash");
  static final List<List<String>> REPORTS = List.of(
      List.of("r1", "2021-10-04T15:40:00Z", "messaging", "US", "login", "h1"),
      List.of("r2", "2021-10-04T11:41:00-04:00", "messaging", "", "messages", "h2"),
      List.of("r3", "2021-10-04T21:12:30+05:30", "video", "in", "connection", ""),
      List.of("r1", "2021-10-04T15:40:00Z", "messaging", "US", "login", "h1"),       // duplicate
      List.of("r4", "2021-10-04 15:42", "messaging", "US", "login", "secret-h4"),    // bad_timestamp
      List.of("r5", "2021-10-04T15:43:00", "messaging", "US", "login", "secret-h5"), // bad_timestamp (no offset)
      List.of("r6", "2021-10-04T15:43:00Z", "fax", "US", "login", "secret-h6"),      // unknown_service
      List.of("r7", "", "messaging", "US", "login", "secret-h7"));                   // missing_required

  static final List<String> TXN_HEADER =
      List.of("txn_id", "business_id", "occurred_at", "amount", "currency", "status", "service");
  static final List<List<String>> TRANSACTIONS = List.of(
      List.of("t1", "b1", "2021-10-04T15:00:00Z", "10.50", "EUR", "succeeded", "messaging"),
      List.of("t2", "b2", "2021-10-04T16:00:00+01:00", "20", "gbp", "", "video"),
      List.of("t3", "b3", "2021-10-04T15:10:00Z", "-5.25", "", "declined", ""),
      List.of("t4", "b3", "2021-10-04T15:20:00Z", "1000", "JPY", "FAILED", "messaging"),
      List.of("t1", "b1", "2021-10-04T15:00:00Z", "10.50", "EUR", "succeeded", "messaging"), // duplicate
      List.of("t3", "b3", "2021-10-04T15:10:00Z", "-5.25", "", "declined", ""),              // duplicate
      List.of("t5", "b9", "2021-10-04T15:00:00Z", "1", "", "", ""),                           // unknown_business
      List.of("t6", "b1", "2021-10-04T15:00:00Z", "1", "XYZ", "", ""),                        // unknown_currency
      List.of("t7", "b1", "2021-10-04T15:00:00Z", "12,50", "", "", ""),                       // bad_number
      List.of("t8", "b1", "2021-10-04T15:00:00Z", "1", "", "lost", ""),                       // bad_value
      List.of("t9", "b1", "2021-10-04T15:00:00Z", "1", "", "", "fax"),                        // unknown_service
      List.of("t10", "b1", "yesterday", "1", "", "", ""),                                     // bad_timestamp
      List.of("t11", "", "2021-10-04T15:00:00Z", "1", "", "", ""));                           // missing_required

  /** Exact value of the accepted transactions in USD: 10.50×1.16 + 20×1.37 − 5.25 + 1000×0.0089. */
  static final BigDecimal ACCEPTED_USD = new BigDecimal("12.180000").add(new BigDecimal("27.400000"))
      .add(new BigDecimal("-5.250000")).add(new BigDecimal("8.900000"));

  /** The layouts a tabular input may come in. */
  enum Layout { FILE, PART_FILES, PARTITIONED }

  private MiniScenario() {}

  /** Writes the scenario under {@code dir} in one format and layout; returns {@code dir}. */
  static Path write(Path dir, InputFormat format, Layout layout) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("graph.json"), GRAPH);
    writeTable(dir, Schemas.FX_RATES, FX_HEADER, FX, format, Layout.FILE);
    writeTable(dir, Schemas.SLA_TIERS, SLA_HEADER, SLA, format, Layout.FILE);
    writeTable(dir, Schemas.BUSINESSES, BUSINESS_HEADER, BUSINESSES, format, Layout.FILE);
    writeTable(dir, Schemas.BUSINESS_SERVICES, SERVICE_HEADER, BUSINESS_SERVICES, format, Layout.FILE);
    writeTable(dir, Schemas.REPORTS, REPORT_HEADER, REPORTS, format, layout);
    writeTable(dir, Schemas.TRANSACTIONS, TXN_HEADER, TRANSACTIONS, format, layout);
    return dir;
  }

  static void writeTable(Path dir, InputSchema schema, List<String> header, List<List<String>> rows,
      InputFormat format, Layout layout) throws IOException {
    if (format == InputFormat.PARQUET) {
      writeParquet(dir, schema, header, rows, layout);
      return;
    }
    String extension = format == InputFormat.CSV ? ".csv" : ".jsonl";
    if (layout == Layout.FILE) {
      Files.writeString(dir.resolve(schema.name() + extension), text(header, rows, format, true));
      return;
    }
    Path folder = dir.resolve(schema.name());
    for (int i = 0; i < rows.size(); i++) {
      Path part = folder;
      if (layout == Layout.PARTITIONED) {
        part = part.resolve("date=2021-10-0" + (3 + i % 2));
      }
      Files.createDirectories(part);
      // One row per part file: a row and its duplicate may land in different files.
      Files.writeString(part.resolve("part-" + i + extension),
          text(header, List.of(rows.get(i)), format, true));
    }
    Files.writeString(folder.resolve("_SUCCESS"), "");
  }

  static String text(List<String> header, List<List<String>> rows, InputFormat format, boolean withHeader) {
    StringBuilder out = new StringBuilder();
    if (format == InputFormat.CSV) {
      if (withHeader) {
        out.append(String.join(",", header)).append('\n');
      }
      for (List<String> row : rows) {
        List<String> quoted = new ArrayList<>();
        for (String value : row) {
          quoted.add(value.contains(",") ? "\"" + value + "\"" : value);
        }
        out.append(String.join(",", quoted)).append('\n');
      }
    } else {
      for (List<String> row : rows) {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
          if (!row.get(i).isEmpty()) {
            fields.add("\"" + header.get(i) + "\": \"" + row.get(i) + "\"");
          }
        }
        out.append('{').append(String.join(", ", fields)).append("}\n");
      }
    }
    return out.toString();
  }

  /**
   * Parquet carries types (timestamps, decimals, doubles, booleans), so a value that does not
   * parse cannot be written there: rows whose only defect is such a text are left out of the
   * Parquet variant, and {@link #expectedRejects} knows it.
   */
  static void writeParquet(Path dir, InputSchema schema, List<String> header, List<List<String>> rows,
      Layout layout) {
    var spark = SparkTestSession.get();
    var structType = new org.apache.spark.sql.types.StructType();
    for (String name : header) {
      structType = structType.add(name, DataTypes.StringType, true);
    }
    List<Row> sparkRows = new ArrayList<>();
    for (List<String> row : rows) {
      sparkRows.add(RowFactory.create(row.stream().map(v -> v.isEmpty() ? null : v).toArray()));
    }
    Dataset<Row> df = spark.createDataFrame(sparkRows, structType);
    for (String name : header) {
      var type = schema.column(name).type();
      if (!type.equals(DataTypes.StringType)) {
        df = df.withColumn("_typed", functions.col(name).try_cast(type))
            .filter(functions.col(name).isNull().or(functions.col("_typed").isNotNull()))
            .withColumn(name, functions.col("_typed")).drop("_typed");
      }
    }
    var writer = (layout == Layout.PARTITIONED
        ? df.withColumn("date", functions.lit("2021-10-04")).repartition(2).write().partitionBy("date")
        : df.repartition(layout == Layout.PART_FILES ? 3 : 1).write());
    writer.mode(SaveMode.Overwrite).parquet(dir.resolve(schema.name()).toString());
  }

  /** Reject counts by reason per input; Parquet cannot hold unparseable timestamps or numbers. */
  static Map<String, Long> expectedRejects(String input, InputFormat format) {
    Map<String, Long> expected = new java.util.TreeMap<>(expectedRejects(input));
    if (format == InputFormat.PARQUET) {
      expected.remove("bad_timestamp");
      expected.remove("bad_number");
    }
    return expected;
  }

  static Map<String, Long> expectedRejects(String input) {
    return switch (input) {
      case "businesses" -> Map.of("missing_required", 1L, "bad_value", 1L, "bad_number", 1L, "unknown_sla_tier", 1L);
      case "business_services" -> Map.of("unknown_business", 1L, "unknown_service", 1L, "bad_value", 1L);
      case "reports" -> Map.of("bad_timestamp", 2L, "unknown_service", 1L, "missing_required", 1L);
      case "transactions" -> Map.of("unknown_business", 1L, "unknown_currency", 1L, "bad_number", 1L,
          "bad_value", 1L, "unknown_service", 1L, "bad_timestamp", 1L, "missing_required", 1L);
      default -> Map.of();
    };
  }

  /** Accepted rows per input: one per distinct key, less the rejected ones. */
  static long expectedAccepted(String input, InputFormat format) {
    long rejected = expectedRejects(input, format).values().stream().mapToLong(Long::longValue).sum();
    return rows(input).stream().map(row -> row.get(0)).distinct().count() - rejected;
  }

  /** Exact copies of an earlier row, per input. */
  static long expectedDuplicates(String input) {
    List<List<String>> rows = rows(input);
    return rows.size() - rows.stream().map(row -> row.get(0)).distinct().count();
  }

  private static List<List<String>> rows(String input) {
    return switch (input) {
      case "reports" -> REPORTS;
      case "transactions" -> TRANSACTIONS;
      default -> throw new IllegalArgumentException(input);
    };
  }

  static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }
}
