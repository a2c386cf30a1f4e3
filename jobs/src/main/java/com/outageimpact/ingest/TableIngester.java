package com.outageimpact.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.Failures;
import com.outageimpact.common.InputException;
import com.outageimpact.schema.ColumnSpec;
import com.outageimpact.schema.InputSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.Window;

/**
 * Turns an opened input into accepted rows, reject rows and counts, in two passes over the data:
 * the first writes the rejects and counts every row by outcome (an {@link Observation} on the
 * same pass), the second counts distinct keys and repeats. The accepted rows (one per key) are
 * returned lazily, for the stages that use them.
 */
public final class TableIngester {

  private static final String REASON = "_reason";
  private static final String DETAIL = "_detail";
  private static final String RAW = "_raw";
  private static final String KEY_RANK = "_key_rank";

  private TableIngester() {}

  /**
   * @param opened the input as read
   * @param configure adds the input's own domain and reference checks
   * @param derive adds derived columns to the accepted rows (applied after the typed columns)
   * @param rejectsPath where this input's reject rows are written (a staging path)
   */
  public static IngestedInput ingest(
      InputReader.Opened opened,
      java.util.function.Consumer<RowChecks> configure,
      UnaryOperator<Dataset<Row>> derive,
      String rejectsPath) {
    InputSchema schema = opened.schema();
    Dataset<Row> source = opened.rows();
    RowChecks checks = new RowChecks(schema, source.schema());
    configure.accept(checks);

    List<Column> typed = new ArrayList<>();
    for (ColumnSpec column : schema.columns()) {
      typed.add(checks.parsed(column.name()).cast(column.type()).as(column.name()));
    }
    Dataset<Row> checked = source.select(
        typedAndBookkeeping(typed, checks, rawRow(schema)).toArray(Column[]::new));

    // Pass 1: write the rejects; the observation counts every row on the same pass.
    List<RejectReason> reasons = checks.possibleReasons();
    List<Column> metrics = new ArrayList<>();
    for (RejectReason reason : reasons) {
      metrics.add(sum(when(col(REASON).equalTo(reason.code()), 1L).otherwise(0L)).as(reason.code()));
    }
    Observation outcome = new Observation(schema.name() + "_outcome");
    Dataset<Row> observed = checked.observe(outcome, count(lit(1)).as("read"),
        metrics.toArray(Column[]::new));
    try {
      observed.filter(col(REASON).isNotNull())
          .select(lit(schema.name()).as("input"), col(REASON).as("reason"), col(DETAIL).as("detail"),
              col(InputReader.SOURCE_FILE).as("source_file"), col(RAW).as("raw"))
          .write().mode(SaveMode.Overwrite).parquet(rejectsPath);
    } catch (Exception e) {
      // SparkException (a read that failed in a task) is checked in Java and thrown undeclared by
      // Scala: catching RuntimeException alone let it through, with ~270 lines of trace.
      // The file that failed, when Spark says which (a corrupt part file among many), else the input's path.
      String file = Failures.failedFile(e);
      throw new InputException("input '" + schema.name() + "': cannot read " + (file != null ? file : opened.path())
          + ": " + Failures.firstLine(Failures.rootCause(e)), e);
    }
    Map<String, Object> observedCounts = observedCounts(outcome);
    long read = ((Number) observedCounts.get("read")).longValue();
    Map<String, Long> rejectedByReason = new LinkedHashMap<>();
    long rejected = 0;
    for (RejectReason reason : reasons) {
      Object value = observedCounts.get(reason.code());
      long n = value == null ? 0 : ((Number) value).longValue();
      if (n > 0) {
        rejectedByReason.put(reason.code(), n);
      }
      rejected += n;
    }

    // Pass 2: count keys and their repeats; only the keys are shuffled for this.
    Column[] keys = schema.keyColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> valid = checked.filter(col(REASON).isNull());
    Row keyCounts = valid.groupBy(keys).count()
        .agg(count(lit(1)), sum(col("count").minus(1))).first();
    long accepted = keyCounts.getLong(0);
    long duplicates = keyCounts.isNullAt(1) ? 0 : keyCounts.getLong(1);

    // One row per key for the later stages. Which copy is kept does not depend on file order:
    // the one with the smallest raw row (copies of a duplicate delivery are identical anyway).
    Dataset<Row> ranked = valid
        .withColumn(KEY_RANK, row_number().over(Window.partitionBy(keys).orderBy(col(RAW))));
    Dataset<Row> acceptedRows = derive.apply(ranked.filter(col(KEY_RANK).equalTo(1))
        .select(schema.columnNames().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new)));
    InputCounts counts = new InputCounts(schema.name(), opened.path(), opened.format().name().toLowerCase(java.util.Locale.ROOT),
        opened.files(), opened.dates(), opened.filesSkipped(), read, accepted, rejected, duplicates, rejectedByReason);
    return new IngestedInput(acceptedRows, counts);
  }

  private static List<Column> typedAndBookkeeping(List<Column> typed, RowChecks checks, Column raw) {
    List<Column> columns = new ArrayList<>(typed);
    columns.add(checks.reason().as(REASON));
    columns.add(checks.detail().as(DETAIL));
    columns.add(raw.as(RAW));
    columns.add(col(InputReader.SOURCE_FILE));
    return columns;
  }

  /**
   * The row as it came, for the rejects: its contract columns as JSON, or the unsplittable line.
   * Private columns are left out; a line that could not be split may hold them anywhere, so for
   * such inputs only its SHA-256 is kept (enough to find it in the source file).
   */
  private static Column rawRow(InputSchema schema) {
    List<Column> fields = new ArrayList<>();
    for (String name : schema.columnNames()) {
      if (!schema.privateColumns().contains(name)) {
        fields.add(col(name));
      }
    }
    Column line = schema.privateColumns().isEmpty()
        ? col(InputReader.CORRUPT_RECORD)
        : concat(lit("withheld line, sha256="), sha2(col(InputReader.CORRUPT_RECORD), 256));
    return when(col(InputReader.CORRUPT_RECORD).isNotNull(), line)
        .otherwise(to_json(struct(fields.toArray(Column[]::new))));
  }

  private static Map<String, Object> observedCounts(Observation outcome) {
    try {
      return outcome.getAsJava();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting rows", e);
    }
  }
}
