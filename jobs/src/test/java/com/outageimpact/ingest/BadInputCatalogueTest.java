package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.common.InputException;
import com.outageimpact.common.JobOptions;
import com.outageimpact.common.StageTimer;
import com.outageimpact.generate.ReferenceValidator;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue (issue 24): one case per contract rule, each a line or two added to the
 * mini scenario's CSV inputs, with the outcome the contract gives it: accepted, a duplicate
 * delivery, or rejected with a reason. Every case is in one ingestion (so the catalogue is fast);
 * each case checks its own lines' outcome, and that its input's counts reconcile. A case's lines
 * carry a token ({@code k01}...) that finds them among the rejects, and among the accepted rows
 * of the inputs that carry their key (the transactions and reports are counted instead).
 * docs/inputs-and-outputs.md lists the catalogue as a table.
 */
class BadInputCatalogueTest {

  /** A case: lines appended to {@code input}, and the outcome: "accepted", "duplicate" or a reject reason. */
  record Case(String id, String input, String token, String outcome, List<String> lines, Charset charset) {
    Case(String id, String input, String token, String outcome, List<String> lines) {
      this(id, input, token, outcome, lines, StandardCharsets.UTF_8);
    }

    /** The reject reasons the case's lines get, one per reject row. */
    List<String> rejectReasons() {
      return switch (outcome) {
        case ACCEPTED, DUPLICATE -> List.of();
        case QUOTED_NEWLINE -> List.of("malformed_row", "malformed_row");
        default -> List.of(outcome);
      };
    }

    @Override
    public String toString() {
      return id + " (" + input + "): " + outcome;
    }
  }

  private static final String ACCEPTED = "accepted";
  private static final String DUPLICATE = "duplicate";
  /**
   * A row whose quoted field holds a line break (not supported: a record is one line): each of its
   * two lines has an unpaired quote and is {@code malformed_row}, so neither half gets in.
   */
  private static final String QUOTED_NEWLINE = "malformed_row, both lines";
  private static final String OK_TIME = "2021-10-04T15:00:00Z";

  private static Case txn(String id, String token, String outcome, String... lines) {
    return new Case(id, "transactions", token, outcome, List.of(lines));
  }

  /** A transaction line with one field changed from a valid one. */
  private static String t(String id, String business, String at, String amount, String currency, String status,
      String service) {
    return String.join(",", id, business, at, amount, currency, status, service);
  }

  private static String t(String id) {
    return t(id, "b1", OK_TIME, "1.00", "USD", "succeeded", "messaging");
  }

  static final List<Case> CASES = List.of(
      // transactions: CSV shape
      txn("csv-plain", "k01", ACCEPTED, t("k01")),
      txn("csv-quoted-comma", "k02", ACCEPTED, t("\"k02,a\"")),
      txn("csv-doubled-quote", "k03", ACCEPTED, t("\"k03\"\"q\"")),
      txn("csv-backslash-is-a-character", "k04", ACCEPTED, t("\"k04\\\"")),
      txn("csv-crlf-line-end", "k05", ACCEPTED, t("k05") + "\r"),
      txn("csv-too-few-fields", "k06", "malformed_row", "k06,b1," + OK_TIME),
      txn("csv-too-many-fields", "k07", "malformed_row", t("k07") + ",extra"),
      txn("csv-huge-field", "k08", ACCEPTED, t("k08" + "x".repeat(100_000))),
      txn("csv-empty-required-field", "k09", "missing_required", t("k09", "b1", OK_TIME, "", "USD", "succeeded", "messaging")),
      txn("missing-business-id", "k10", "missing_required", t("k10", "", OK_TIME, "1", "USD", "succeeded", "messaging")),
      // transactions: timestamps
      txn("ts-date-only", "k11", "bad_timestamp", t("k11", "b1", "2021-10-04", "1", "USD", "", "")),
      txn("ts-no-offset", "k12", "bad_timestamp", t("k12", "b1", "2021-10-04T15:00:00", "1", "USD", "", "")),
      txn("ts-with-offset", "k13", ACCEPTED, t("k13", "b1", "2021-10-04T20:30:00+05:30", "1", "USD", "", "")),
      txn("ts-not-a-time", "k14", "bad_timestamp", t("k14", "b1", "yesterday", "1", "USD", "", "")),
      txn("ts-fraction-of-a-second", "k15", ACCEPTED, t("k15", "b1", "2021-10-04T15:00:00.250Z", "1", "USD", "", "")),
      // transactions: numbers
      txn("num-decimal-comma", "k16", "bad_number", t("k16", "b1", OK_TIME, "\"12,50\"", "USD", "", "")),
      txn("num-too-many-decimals", "k17", "bad_number", t("k17", "b1", OK_TIME, "12.1234567", "USD", "", "")),
      txn("num-overflow-double", "k18", "bad_number", t("k18", "b1", OK_TIME, "1e400", "USD", "", "")),
      txn("num-java-suffix", "k19", "bad_number", t("k19", "b1", OK_TIME, "0.5d", "USD", "", "")),
      txn("num-nan", "k20", "bad_number", t("k20", "b1", OK_TIME, "NaN", "USD", "", "")),
      txn("num-beyond-decimal-18-6", "k21", "bad_number", t("k21", "b1", OK_TIME, "1000000000000", "USD", "", "")),
      txn("num-negative-refund", "k22", ACCEPTED, t("k22", "b1", OK_TIME, "-5", "USD", "", "")),
      txn("num-exponent", "k23", ACCEPTED, t("k23", "b1", OK_TIME, "1.5e2", "USD", "", "")),
      // Fits decimal(18,6), but not once converted at GBP's 1.37: a reject, not a failed run.
      txn("num-beyond-decimal-18-6-converted", "k96", "bad_number", t("k96", "b1", OK_TIME, "999999999999", "GBP", "", "")),
      // transactions: values and references
      txn("status-outside-list", "k24", "bad_value", t("k24", "b1", OK_TIME, "1", "USD", "lost", "")),
      txn("status-upper-case", "k25", ACCEPTED, t("k25", "b1", OK_TIME, "1", "USD", "FAILED", "")),
      txn("unknown-business", "k26", "unknown_business", t("k26", "b99", OK_TIME, "1", "USD", "", "")),
      txn("unknown-service", "k27", "unknown_service", t("k27", "b1", OK_TIME, "1", "USD", "", "fax")),
      txn("unknown-currency", "k28", "unknown_currency", t("k28", "b1", OK_TIME, "1", "XYZ", "", "")),
      txn("currency-lower-case", "k29", ACCEPTED, t("k29", "b1", OK_TIME, "1", "eur", "", "")),
      txn("exact-duplicate", "k30", DUPLICATE, t("k30"), t("k30")),
      txn("same-content-other-spelling", "k31", DUPLICATE,
          t("k31", "b1", OK_TIME, "5", "USD", "", ""), t("k31", "b1", "2021-10-04T17:00:00+02:00", "5.000", "USD", "", "")),
      // Copies are compared in their canonical forms: a status or currency in another case, or left
      // to its default, is the same content.
      txn("same-content-other-case", "k98", DUPLICATE,
          t("k98", "b1", OK_TIME, "7", "usd", "", ""), t("k98", "b1", OK_TIME, "7", "USD", "Succeeded", "")),
      txn("conflicting-duplicate", "k32", "conflicting_duplicate",
          t("k32", "b1", OK_TIME, "10.00", "USD", "", ""), t("k32", "b1", OK_TIME, "99.00", "USD", "", "")),
      txn("hostile-id", "k33", ACCEPTED, t("../../k33/etc")),
      txn("non-ascii-id", "k34", ACCEPTED, t("k34-é-日本")),
      // reports
      new Case("report-valid", "reports", "k35", ACCEPTED, List.of("k35," + OK_TIME + ",messaging,US,login,secret-k35")),
      new Case("report-region-lower-case", "reports", "k36", ACCEPTED, List.of("k36," + OK_TIME + ",messaging,us,login,secret-k36")),
      new Case("report-region-not-two-letters", "reports", "k37", "bad_value", List.of("k37," + OK_TIME + ",messaging,USA,login,secret-k37")),
      new Case("report-region-missing", "reports", "k38", ACCEPTED, List.of("k38," + OK_TIME + ",messaging,,login,secret-k38")),
      new Case("report-time-missing", "reports", "k39", "missing_required", List.of("k39,,messaging,US,login,secret-k39")),
      new Case("report-unknown-service", "reports", "k40", "unknown_service", List.of("k40," + OK_TIME + ",fax,US,login,secret-k40")),
      new Case("report-malformed-reporter-withheld", "reports", "k41", "malformed_row",
          List.of("k41," + OK_TIME + ",messaging,\"US\\\",secret-k41,x\",login,")),
      new Case("report-exact-duplicate", "reports", "k42", DUPLICATE,
          List.of("k42," + OK_TIME + ",messaging,US,login,secret-k42", "k42," + OK_TIME + ",messaging,US,login,secret-k42")),
      new Case("report-conflicting-duplicate", "reports", "k43", "conflicting_duplicate",
          List.of("k43," + OK_TIME + ",messaging,US,login,secret-k43", "k43," + OK_TIME + ",video,US,login,secret-k43")),
      new Case("report-offset-only-hours", "reports", "k44", "bad_timestamp", List.of("k44,2021-10-04T15:00:00+5,messaging,US,login,secret-k44")),
      // businesses
      new Case("business-critical-not-boolean", "businesses", "k45", "bad_value", List.of("k45,retail,US,maybe,gold,1")),
      new Case("business-negative-fee", "businesses", "k46", "bad_value", List.of("k46,retail,US,false,gold,-1")),
      new Case("business-unknown-sla-tier", "businesses", "k47", "unknown_sla_tier", List.of("k47,retail,US,false,platinum,1")),
      new Case("business-sector-missing", "businesses", "k48", "missing_required", List.of("k48,,US,false,gold,1")),
      new Case("business-in-two-sectors", "businesses", "k49", "conflicting_duplicate",
          List.of("k49,retail,US,false,gold,1", "k49,finance,US,false,gold,1")),
      new Case("business-hostile-sector", "businesses", "k50", ACCEPTED, List.of("k50,../../x,US,false,gold,1")),
      // business_services (each on a business of its own, kb..., written valid below)
      new Case("share-java-suffix", "business_services", "k51", "bad_number", List.of("k51,messaging,0.5d")),
      new Case("share-overflow", "business_services", "k52", "bad_number", List.of("k52,messaging,1e400")),
      new Case("share-negative", "business_services", "k53", "bad_value", List.of("k53,messaging,-0.1")),
      new Case("service-of-unknown-business", "business_services", "k54", "unknown_business", List.of("k54-nobody,messaging,0.5")),
      new Case("share-missing-is-one", "business_services", "k55", ACCEPTED, List.of("k55,video,")),
      // fx_rates
      new Case("fx-rate-zero", "fx_rates", "KQA", "bad_value", List.of("KQA,0")),
      new Case("fx-rate-not-a-number", "fx_rates", "KQB", "bad_number", List.of("KQB,abc")),
      new Case("fx-conflicting-rates", "fx_rates", "KQC", "conflicting_duplicate", List.of("KQC,1.2", "KQC,1.3")),
      // sla_tiers
      new Case("sla-credit-over-100", "sla_tiers", "k59", "bad_value", List.of("k59,99,150")),
      new Case("sla-threshold-not-a-number", "sla_tiers", "k60", "bad_number", List.of("k60,x,10")),
      // file level: sla_tiers.csv is written with a byte-order mark before its header (below)
      new Case("byte-order-mark-at-file-start", "sla_tiers", "k61", ACCEPTED, List.of("k61,99,10")),
      // encodings: lines written in Latin-1 (as in a Latin-1 file), whose é is not UTF-8
      new Case("encoding-latin-1-line", "transactions", "k62", "malformed_row",
          List.of(t("k62-caf\u00e9")), StandardCharsets.ISO_8859_1),
      new Case("encoding-latin-1-reporter-field", "reports", "k63", "malformed_row",
          List.of("k63," + OK_TIME + ",messaging,US,login,secret-k63-\u00e9"), StandardCharsets.ISO_8859_1),
      new Case("encoding-latin-1-sector", "businesses", "k64", "malformed_row",
          List.of("k64,caf\u00e9s,US,false,gold,1"), StandardCharsets.ISO_8859_1),
      // quotes that RFC 4180 does not allow, and a quoted line break (a record is one line)
      txn("csv-quote-inside-unquoted-field", "k65", "malformed_row", t("k65a\"b")),
      txn("csv-text-after-closing-quote", "k66", "malformed_row", t("\"k66\"x")),
      txn("csv-unterminated-quote", "k67", "malformed_row", t("\"k67")),
      txn("csv-line-after-an-unterminated-quote", "k68", ACCEPTED, t("k68")),
      txn("csv-quoted-newline-not-supported", "k69", QUOTED_NEWLINE, t("\"k69 first\nk69 second\"")),
      // the line break in the last field: the first line alone has the right field count
      txn("csv-quoted-newline-in-last-field", "k81", QUOTED_NEWLINE,
          t("k81", "b1", OK_TIME, "1.00", "USD", "succeeded", "\"messaging\nk81 more\"")),
      txn("csv-repeated-header-line-is-a-header", "k82", ACCEPTED,
          "txn_id,business_id,occurred_at,amount,currency,status,service", t("k82")),
      txn("csv-quoted-empty-field", "k70", ACCEPTED, t("k70", "b1", OK_TIME, "1", "USD", "\"\"", "\"\"")),
      // more timestamps and numbers
      txn("ts-space-and-offset-without-colon", "k71", ACCEPTED, t("k71", "b1", "2021-10-04 20:30:00+0530", "1", "USD", "", "")),
      txn("ts-offset-out-of-range", "k72", "bad_timestamp", t("k72", "b1", "2021-10-04T15:00:00+25:00", "1", "USD", "", "")),
      txn("num-tiny-exponent", "k73", "bad_number", t("k73", "b1", OK_TIME, "1e-400", "USD", "", "")),
      txn("num-exponent-overflowing-an-int", "k74", "bad_number", t("k74", "b1", OK_TIME, "1e99999999999", "USD", "", "")),
      new Case("fee-overflow", "businesses", "k75", "bad_number", List.of("k75,retail,US,false,gold,1e400")),
      new Case("fx-rate-too-many-decimals", "fx_rates", "KQD", "bad_number", List.of("KQD,1.12345678901")),
      new Case("sla-percent-too-many-decimals", "sla_tiers", "k77", "bad_number", List.of("k77,99.123456,10")),
      // hostile ids: kept as text, never a path (partition values: PublisherTest)
      new Case("report-hostile-id", "reports", "k78", ACCEPTED,
          List.of("\"../../k78/*\"," + OK_TIME + ",messaging,US,login,secret-k78")),
      new Case("business-hostile-id", "businesses", "k79", ACCEPTED, List.of("../k79/..,retail,US,false,gold,1")),
      // policies (optional input; policies.csv is written with its header below)
      new Case("policy-valid", "policies", "k83", ACCEPTED, List.of("k83,b1,indemnity,6,100,5000,,EUR")),
      new Case("policy-too-many-fields", "policies", "k84", "malformed_row", List.of("k84,b1,indemnity,6,,,,,extra")),
      new Case("policy-conflicting-duplicate", "policies", "k85", "conflicting_duplicate",
          List.of("k85,b1,indemnity,6,,5000,,", "k85,b1,indemnity,6,,9000,,")),
      new Case("policy-exact-duplicate", "policies", "k86", DUPLICATE,
          List.of("k86,b2,parametric,4,,,250,", "k86,b2,parametric,4,,,250,")),
      new Case("policy-unknown-business", "policies", "k87", "unknown_business", List.of("k87,b99,indemnity,6,,,,")),
      new Case("policy-kind-not-known", "policies", "k88", "bad_value", List.of("k88,b1,cyber,6,,,,")),
      new Case("policy-parametric-without-payout", "policies", "k89", "missing_required", List.of("k89,b1,parametric,6,,,,")),
      new Case("policy-waiting-period-not-a-number", "policies", "k90", "bad_number", List.of("k90,b1,indemnity,six,,,,")),
      new Case("policy-unknown-currency", "policies", "k91", "unknown_currency", List.of("k91,b1,indemnity,6,,,,XYZ")),
      new Case("policy-limit-beyond-decimal-18-6-converted", "policies", "k97", "bad_number",
          List.of("k97,b1,indemnity,6,,999999999999,,GBP")));

  /** The policies input's header (the mini scenario has no policies). */
  private static final String POLICIES_HEADER =
      "policy_id,business_id,kind,waiting_period_hours,retention,limit,payout_per_hour,currency";

  /** The column that holds each input's token. */
  private static final Map<String, String> TOKEN_COLUMN = Map.of(
      "transactions", "txn_id", "reports", "report_id", "businesses", "business_id",
      "business_services", "business_id", "fx_rates", "currency", "sla_tiers", "tier", "policies", "policy_id");

  private static final SparkSession spark = SparkTestSession.get();
  @TempDir static Path tmp;
  /** One ingestion of every case: what was accepted, and the reject rows of each input. */
  private record Catalogue(IngestedData ingested, Map<String, List<Row>> rejects) {

    IngestedInput input(String name) {
      return switch (name) {
        case "transactions" -> ingested.transactions();
        case "reports" -> ingested.reports();
        case "businesses" -> ingested.businesses();
        case "business_services" -> ingested.businessServices();
        case "fx_rates" -> ingested.fxRateRows();
        case "sla_tiers" -> ingested.slaTiers();
        case "policies" -> ingested.policies();
        default -> throw new IllegalArgumentException(name);
      };
    }
  }

  private static Catalogue csv;
  private static Catalogue json;

  /**
   * The JSON Lines variant: the cases whose rule is about values, not CSV text, written as JSON
   * objects (empty fields left out), plus lines that are not JSON objects.
   */
  static final List<Case> JSON_ONLY_CASES = List.of(
      new Case("json-not-an-object", "transactions", "k92", "malformed_row", List.of("[\"k92\", \"b1\"]")),
      new Case("json-cut-short", "transactions", "k93", "malformed_row", List.of("{\"txn_id\": \"k93\", \"business_id\": ")),
      new Case("json-number-not-text", "transactions", "k94", ACCEPTED,
          List.of("{\"txn_id\": \"k94\", \"business_id\": \"b1\", \"occurred_at\": \"" + OK_TIME + "\", \"amount\": 2.5}")),
      new Case("json-reporter-in-a-cut-line", "reports", "k95", "malformed_row",
          List.of("{\"report_id\": \"k95\", \"reporter_hash\": \"secret-k95")));

  static boolean appliesToJson(Case c) {
    return Set.of("transactions", "reports", "policies").contains(c.input()) && c.charset() == StandardCharsets.UTF_8
        && !c.id().startsWith("csv-") && !c.outcome().equals("malformed_row");
  }

  static Stream<Case> jsonCases() {
    return Stream.concat(CASES.stream().filter(BadInputCatalogueTest::appliesToJson), JSON_ONLY_CASES.stream());
  }

  @BeforeAll
  static void ingestEveryCase() throws IOException {
    Path data = MiniScenario.write(tmp.resolve("csv"), InputFormat.CSV, MiniScenario.Layout.FILE);
    Files.writeString(data.resolve("policies.csv"), POLICIES_HEADER + "\n");
    for (Case c : CASES) {
      append(data.resolve(c.input() + ".csv"), c.lines(), c.charset());
      if (c.input().equals("business_services") && !c.token().equals("k54")) {
        append(data.resolve("businesses.csv"), List.of(c.token() + ",retail,US,false,gold,1"), StandardCharsets.UTF_8);
      }
    }
    Path sla = data.resolve("sla_tiers.csv");
    Files.writeString(sla, "\uFEFF" + Files.readString(sla));
    csv = ingest(data, "csv-rejects");

    Path jsonData = MiniScenario.write(tmp.resolve("json"), InputFormat.JSON, MiniScenario.Layout.FILE);
    Files.writeString(jsonData.resolve("policies.jsonl"), "");
    Map<String, List<String>> headers = Map.of("transactions", MiniScenario.TXN_HEADER,
        "reports", MiniScenario.REPORT_HEADER, "policies", List.of(POLICIES_HEADER.split(",")));
    for (Case c : jsonCases().toList()) {
      List<String> lines = JSON_ONLY_CASES.contains(c) ? c.lines()
          : c.lines().stream().map(line -> jsonObject(headers.get(c.input()), line)).toList();
      append(jsonData.resolve(c.input() + ".jsonl"), lines, StandardCharsets.UTF_8);
    }
    json = ingest(jsonData, "json-rejects");
  }

  private static Catalogue ingest(Path data, String rejectsFolder) {
    Ingestion ingestion = new Ingestion(spark, "USD", null,
        input -> tmp.resolve(rejectsFolder).resolve(input).toString(), new StageTimer());
    JobOptions options = InputPaths.declare(new JobOptions("t", "t"), RunJob.INPUTS)
        .parse(new String[] {"--data", data.toString()});
    IngestedData ingested = SparkTestSession.releasedAfterTest(
        ingestion.ingest(InputPaths.resolve(options, spark.sparkContext().hadoopConfiguration(), RunJob.INPUTS)));
    Map<String, List<Row>> rejects = new LinkedHashMap<>();
    for (String input : TOKEN_COLUMN.keySet()) {
      Path folder = tmp.resolve(rejectsFolder).resolve(input);
      rejects.put(input, Files.exists(folder) ? spark.read().parquet(folder.toString()).collectAsList() : List.of());
    }
    return new Catalogue(ingested, rejects);
  }

  /** A CSV line of the catalogue as a JSON object, its empty fields left out. */
  private static String jsonObject(List<String> header, String csvLine) {
    List<String> fields = ReferenceValidator.split(csvLine);
    Map<String, String> object = new LinkedHashMap<>();
    for (int i = 0; i < header.size(); i++) {
      if (!fields.get(i).isEmpty()) {
        object.put(header.get(i), fields.get(i));
      }
    }
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(object);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void release() {
    csv = null;
    json = null;
    com.outageimpact.SparkTestSession.releaseIngested();
  }

  private static void append(Path file, List<String> lines, Charset charset) throws IOException {
    Files.writeString(file, String.join("\n", lines) + "\n", charset, StandardOpenOption.APPEND);
  }

  static Stream<Case> cases() {
    return CASES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachCaseHasItsOutcomeAndItsInputReconciles(Case c) {
    assertOutcome(csv, c);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonCases")
  void eachValueCaseHasTheSameOutcomeInJsonLines(Case c) {
    assertOutcome(json, c);
  }

  private static void assertOutcome(Catalogue catalogue, Case c) {
    IngestedInput input = catalogue.input(c.input());
    String column = TOKEN_COLUMN.get(c.input());
    // An event key is not carried past the ingest: those inputs' accepted rows are counted in
    // theEventInputsAcceptOneRowPerCaseThatKeepsOne instead.
    boolean tokenCarried = schema(c.input()).acceptedColumns().contains(column);
    long accepted = tokenCarried
        ? input.accepted().filter(org.apache.spark.sql.functions.col(column).contains(c.token())).count()
        : -1;
    List<String> reasons = new ArrayList<>();
    for (Row reject : catalogue.rejects().get(c.input())) {
      String raw = reject.getAs("raw");
      if (raw.contains(c.token()) || c.lines().stream().anyMatch(line -> raw.endsWith(sha256(line)))) {
        reasons.add(reject.getAs("reason"));
      }
    }
    switch (c.outcome()) {
      case ACCEPTED, DUPLICATE -> {
        assertEquals(List.of(), reasons, "no reject row");
        if (tokenCarried) {
          assertEquals(1, accepted, "one accepted row");
        }
      }
      default -> {
        assertEquals(c.rejectReasons(), reasons, "a reject row per rejected line, with its reason");
        if (tokenCarried) {
          assertEquals(c.outcome().equals("conflicting_duplicate") ? 1 : 0, accepted, "accepted rows");
        }
      }
    }
    InputCounts counts = input.counts();
    assertEquals(counts.read(), counts.accepted() + counts.rejected() + counts.duplicates(), counts.toString());
  }

  /**
   * The transactions and reports, whose key is not carried past the ingest, by their totals: the
   * mini scenario's accepted rows and duplicates, plus one accepted row per case that keeps one
   * (accepted, duplicated or conflicting) and a duplicate per extra copy of a duplicated case.
   * With each case's reject rows checked above, a case accepted in place of another would show here.
   */
  @Test
  void theEventInputsAcceptOneRowPerCaseThatKeepsOne() {
    for (Map.Entry<Catalogue, List<Case>> catalogue : List.of(Map.entry(csv, CASES),
        Map.entry(json, jsonCases().toList()))) {
      InputFormat format = catalogue.getKey() == csv ? InputFormat.CSV : InputFormat.JSON;
      for (String name : List.of("transactions", "reports")) {
        assertFalse(schema(name).acceptedColumns().contains(TOKEN_COLUMN.get(name)), name + " carries its key");
        List<Case> cases = catalogue.getValue().stream().filter(c -> c.input().equals(name)).toList();
        long keeping = cases.stream().filter(c -> Set.of(ACCEPTED, DUPLICATE, "conflicting_duplicate")
            .contains(c.outcome())).count();
        long copies = cases.stream().filter(c -> c.outcome().equals(DUPLICATE)).mapToLong(c -> c.lines().size() - 1).sum();
        InputCounts counts = catalogue.getKey().input(name).counts();
        assertEquals(MiniScenario.expectedAccepted(name, format) + keeping, counts.accepted(), format + " " + name);
        assertEquals(MiniScenario.expectedDuplicates(name) + copies, counts.duplicates(), format + " " + name);
        assertEquals(counts.accepted(), catalogue.getKey().input(name).accepted().count(), format + " " + name);
      }
    }
  }

  private static com.outageimpact.schema.InputSchema schema(String input) {
    return com.outageimpact.schema.Schemas.TABULAR_INPUTS.stream().filter(s -> s.name().equals(input)).findFirst()
        .orElseThrow();
  }

  @Test
  void theCountsOfEachInputAddUpOverTheCatalogue() {
    for (Catalogue catalogue : List.of(csv, json)) {
      for (String name : TOKEN_COLUMN.keySet()) {
        InputCounts counts = catalogue.input(name).counts();
        assertEquals(counts.rejected(), catalogue.rejects().get(name).size(), name + ": one reject row per rejected row");
        assertEquals(counts.read(), counts.accepted() + counts.rejected() + counts.duplicates(), name);
      }
      // reporter_hash in no output: every reports case's reporter field is "secret-<token>" (or holds it).
      for (List<Row> rejects : catalogue.rejects().values()) {
        for (Row reject : rejects) {
          assertFalse(reject.toString().contains("secret-"), "a reporter field leaked into " + reject);
        }
      }
    }
  }

  /**
   * Quotes RFC 4180 does not allow reject the line, with the line kept whole: no field of it gets
   * in, whatever the parser would have made of it.
   */
  @Test
  void noFieldOfALineWithQuotesRfc4180DoesNotAllowGetsIn() {
    // The cases' reject rows (a line each) and the accepted totals (above) say that none of
    // these lines was accepted; here, that the rejected lines are kept as written.
    List<String> rejected = csv.rejects().get("transactions").stream().map(r -> (String) r.getAs("raw"))
        .filter(raw -> raw.contains("k81")).sorted().toList();
    assertEquals(List.of("k81 more\"", "k81,b1," + OK_TIME + ",1.00,USD,succeeded,\"messaging"), rejected,
        "each line of a record broken by a quoted line break, as written");
  }

  /** A hostile incident id (it names output folders) refuses the input: one line naming the file. */
  @Test
  void aHostileIncidentIdRefusesTheIncidentInput() throws IOException {
    Path incident = tmp.resolve("hostile-incident.json");
    Files.writeString(incident, "{\"id\": \"../../k80\", \"updates\": []}");
    InputException e = assertThrows(InputException.class,
        () -> IncidentDeclaration.load(incident.toString(), spark.sparkContext().hadoopConfiguration(), null));
    assertTrue(e.getMessage().startsWith("input 'incident': " + incident), e.getMessage());
    assertTrue(e.getMessage().contains("id '../../k80' may only hold letters, digits"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  private static String sha256(String line) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
