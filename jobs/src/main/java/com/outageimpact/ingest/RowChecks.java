package com.outageimpact.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.get;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.schema.ColumnSpec;
import com.outageimpact.schema.InputSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The checks one input's rows go through, as Spark column expressions: how each contract column
 * is parsed to its type, and the ordered list of (condition, reason, detail) that decides a row's
 * reject reason. The first condition that holds wins, so a row has exactly one reason.
 */
public final class RowChecks {

  /** A check: when {@code failed} holds, the row is rejected with {@code reason} and {@code detail}. */
  public record Check(RejectReason reason, Column failed, Column detail) {}

  /**
   * ISO-8601 text must be a date and a time to the second (fractions allowed; 'T' or a space
   * between) ending in Z or a numeric offset: a local time without one is ambiguous, and a date
   * alone is no instant (its "-04" is the day, not an offset).
   */
  private static final String ISO_INSTANT =
      "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}(:?\\d{2})?)$";

  /**
   * A number as text: optional sign, digits with an optional point, optional exponent. Nothing
   * else: not {@code 12,50}, nor Java's {@code 0.5d}, {@code 0x1p-1}, {@code NaN} or {@code Infinity}.
   */
  private static final String NUMBER = "^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$";
  /** Group 1: the digits after the point that count (trailing zeros do not). */
  private static final String FRACTION = "^[+-]?\\d*(?:\\.(\\d*?))?0*(?:[eE][+-]?\\d+)?$";
  private static final String EXPONENT = "[eE]([+-]?\\d+)$";

  private static final String TEXT = "_text_";
  private static final String PARSED = "_parsed_";

  private final InputSchema schema;
  private final StructType sourceSchema;
  private final List<Check> checks = new ArrayList<>();
  private final Map<String, UnaryOperator<Column>> canonicalForms = new LinkedHashMap<>();

  public RowChecks(InputSchema schema, StructType sourceSchema) {
    this.schema = schema;
    this.sourceSchema = sourceSchema;
    checks.add(new Check(RejectReason.MALFORMED_ROW,
        col(InputReader.CORRUPT_RECORD).isNotNull(),
        lit("the line does not split into the input's columns")));
    for (ColumnSpec column : schema.columns()) {
      if (sourceType(column.name()) instanceof StringType) {
        // Bytes that are not UTF-8 (a Latin-1 file, a stray byte): the text reader decodes each
        // as U+FFFD, Parquet keeps them invalid. Either way the value is not what the file meant.
        // The detail names the column only (it may be the private reporter_hash).
        checks.add(new Check(RejectReason.MALFORMED_ROW,
            col(column.name()).contains("\uFFFD").or(not(is_valid_utf8(col(column.name())))),
            lit("column " + column.name() + " is not UTF-8 text (bytes in another encoding, e.g. Latin-1)")));
      }
    }
    for (ColumnSpec column : schema.columns()) {
      if (column.required()) {
        checks.add(new Check(RejectReason.MISSING_REQUIRED, absent(column.name()),
            lit("required column " + column.name() + " is missing or blank")));
      }
    }
    for (ColumnSpec column : schema.columns()) {
      RejectReason reason = parseFailureReason(column.type());
      if (reason == null) {
        continue;
      }
      String name = column.name();
      Column value = text(name);
      if (reason == RejectReason.BAD_NUMBER && sourceType(name) instanceof StringType) {
        // Numbers as text parse exactly or not at all, and the detail says which rule the text broke.
        checks.add(new Check(reason, value.isNotNull().and(not(value.rlike(NUMBER))),
            concat(lit(name + " '"), value, lit("' is not a number"))));
        if (column.type() instanceof DecimalType decimal) {
          checks.add(new Check(reason, value.isNotNull().and(tooManyDecimals(value, decimal.scale())),
              concat(lit(name + " '"), value, lit("' has more than " + decimal.scale() + " decimals"))));
          checks.add(new Check(reason, value.isNotNull().and(value.try_cast(decimal).isNull()),
              concat(lit(name + " '"), value, lit("' is too large (at most "
                  + (decimal.precision() - decimal.scale()) + " digits before the point)"))));
        } else {
          checks.add(new Check(reason, value.isNotNull().and(abs(value.try_cast(column.type()))
                  .equalTo(lit(Double.POSITIVE_INFINITY))),
              concat(lit(name + " '"), value, lit("' is too large for a double"))));
        }
        continue;
      }
      Column parsed = parsed(name);
      if (column.type() instanceof DecimalType decimal && isExact(sourceType(name))) {
        // A typed decimal (Parquet) with a larger scale: rounding it would change the value.
        checks.add(new Check(reason, parsed.isNotNull().and(parsed.notEqual(col(name))),
            concat(lit(name + " "), value, lit(" has more than " + decimal.scale() + " decimals"))));
        checks.add(new Check(reason, not(absent(name)).and(parsed.isNull()),
            concat(lit(name + " "), value, lit(" does not fit " + decimal.simpleString()))));
        continue;
      }
      Column unparseable = not(absent(name)).and(parsed.isNull());
      checks.add(new Check(reason, unparseable,
          concat(lit(name + " '"), value, lit("' is not " + describe(column.type())))));
    }
  }

  /** Exact numeric types (decimals, integers), whose value a decimal holds or does not. */
  private static boolean isExact(DataType type) {
    return type instanceof DecimalType || type instanceof org.apache.spark.sql.types.IntegralType;
  }

  /**
   * More significant decimals than {@code scale}: those after the point (trailing zeros do not
   * count) less the exponent. An exponent too long for an int counts as too many when negative.
   */
  private static Column tooManyDecimals(Column value, int scale) {
    Column fraction = regexp_extract(value, FRACTION, 1);
    Column exponentText = regexp_extract(value, EXPONENT, 1);
    Column exponent = when(exponentText.equalTo(""), lit(0)).otherwise(exponentText.try_cast(DataTypes.IntegerType));
    return when(exponent.isNull(), exponentText.startsWith("-"))
        .otherwise(length(fraction).cast(DataTypes.LongType).minus(exponent.cast(DataTypes.LongType)).gt(scale));
  }

  /** Text that is a number written within the column's type: no rounding, no overflow. */
  private Column exactNumber(String name, DataType target) {
    Column value = text(name);
    Column parsed = value.try_cast(target);
    Column fits = target instanceof DecimalType decimal
        ? not(tooManyDecimals(value, decimal.scale()))
        : abs(parsed).notEqual(lit(Double.POSITIVE_INFINITY));
    return when(value.rlike(NUMBER).and(fits), parsed);
  }

  /** Adds a domain or reference check, evaluated after the parsing checks, in the order added. */
  public RowChecks check(RejectReason reason, Column failed, Column detail) {
    checks.add(new Check(reason, failed, detail));
    return this;
  }

  /**
   * Declares a column's canonical form (its case, its default), as a function of its typed value:
   * the form in which rows are compared (two copies of a key that differ only in case are the same
   * row), cached and passed on, so that no later read of the rows works it out again.
   */
  public RowChecks canonical(String name, UnaryOperator<Column> form) {
    canonicalForms.put(name, form);
    return this;
  }

  /** The typed rows (the contract columns under their names) with each declared canonical form. */
  public Dataset<Row> canonicalised(Dataset<Row> typed) {
    for (String name : canonicalForms.keySet()) {
      typed = typed.withColumn(name, inCanonicalForm(name, col(name)));
    }
    return typed;
  }

  /**
   * A typed value of column {@code name} in its canonical form (itself when none is declared).
   * Whatever hashes a key from rows as read must go through this, to match the cached rows' keys.
   */
  public Column inCanonicalForm(String name, Column typed) {
    UnaryOperator<Column> form = canonicalForms.get(name);
    return form == null ? typed : form.apply(typed);
  }

  /** The column as trimmed text; blank is null (a column {@link #prepare} adds, for text sources). */
  public Column text(String name) {
    return sourceType(name) instanceof StringType ? col(TEXT + name) : col(name).cast(DataTypes.StringType);
  }

  /**
   * The rows with each contract column as trimmed text ({@link #text}) and parsed to its type
   * ({@link #parsed}), computed once per row and read by every check. Written inline, a trim ran
   * up to six times per value and each check's condition three times (reason, detail, raw row);
   * that was most of a large ingest's time (docs/benchmarks.md). The checks and {@link
   * #failedCheck} read these columns, so they apply to prepared rows only.
   */
  public Dataset<Row> prepare(Dataset<Row> rows) {
    List<Column> texts = new ArrayList<>(List.of(col("*")));
    for (ColumnSpec column : schema.columns()) {
      if (sourceType(column.name()) instanceof StringType) {
        Column trimmed = trim(col(column.name()));
        texts.add(when(trimmed.equalTo(lit("")), lit(null).cast(DataTypes.StringType)).otherwise(trimmed)
            .as(TEXT + column.name()));
      }
    }
    List<Column> parsed = new ArrayList<>(List.of(col("*")));
    for (ColumnSpec column : schema.columns()) {
      parsed.add(parsing(column.name()).as(PARSED + column.name()));
    }
    return rows.select(texts.toArray(Column[]::new)).select(parsed.toArray(Column[]::new));
  }

  /**
   * The column holds no value: null, or blank text. The same as {@code text(name).isNull()}, but a
   * typed column (Parquet) is not turned into text for it: formatting every row's timestamp as
   * ISO-8601 text only to test it for null was a tenth of a large ingest's time.
   */
  public Column absent(String name) {
    return sourceType(name) instanceof StringType ? text(name).isNull() : col(name).isNull();
  }

  /** The column parsed to its contract type; null when absent or unparseable (a column {@link #prepare} adds). */
  public Column parsed(String name) {
    return col(PARSED + name);
  }

  private Column parsing(String name) {
    ColumnSpec column = schema.column(name);
    DataType target = column.type();
    DataType source = sourceType(name);
    if (target instanceof StringType) {
      return text(name);
    }
    if (target instanceof TimestampType) {
      if (source instanceof TimestampType) {
        return col(name);
      }
      if (source instanceof TimestampNTZType) {
        // Parquet without a zone: the session zone is UTC, so this reads it as UTC (documented).
        return col(name).cast(DataTypes.TimestampType);
      }
      Column value = text(name);
      return when(value.rlike(ISO_INSTANT), value.try_cast(DataTypes.TimestampType));
    }
    if (target instanceof BooleanType) {
      if (source instanceof BooleanType) {
        return col(name);
      }
      Column value = lower(text(name));
      return when(value.isin("true", "false", "t", "f", "yes", "no", "y", "n", "1", "0"),
          value.try_cast(DataTypes.BooleanType));
    }
    if (source instanceof StringType) {
      return exactNumber(name, target);
    }
    return col(name).try_cast(target);
  }

  /** The index of the first check a prepared row fails, null when it passes every one. */
  public Column failedCheck() {
    Column index = lit(null).cast(DataTypes.IntegerType);
    for (int i = checks.size() - 1; i >= 0; i--) {
      index = when(checks.get(i).failed(), lit(i)).otherwise(index);
    }
    return index;
  }

  /**
   * The reject reason code of the check at {@code index} ({@link #failedCheck}); null for none.
   * Looked up in a constant array rather than a CASE over the checks: the row's code stays small
   * (see {@link #detailOf}). With {@code get}: {@code element_at} over a constant array gives its
   * last element for a null index (Spark 4.2's generated code), which would reject every row.
   */
  public Column reasonOf(Column index) {
    Column codes = array(checks.stream().map(check -> lit(check.reason().code())).toArray(Column[]::new));
    return get(codes, index);
  }

  /**
   * The detail of the check at {@code index} ({@link #failedCheck}); null for none. A CASE over
   * every check, much of it building text: work out the detail where the rejected rows alone are
   * read, not in the query that checks every row. There it helped grow that query's generated
   * method to near 8,000 bytes of bytecode, past which the session turns whole-stage code generation
   * off (HotSpot compiles no larger method), and one more check tipped it over: the transactions'
   * ingest took 60% longer (docs/benchmarks.md).
   */
  public Column detailOf(Column index) {
    Column detail = lit(null).cast(DataTypes.StringType);
    for (int i = checks.size() - 1; i >= 0; i--) {
      detail = when(index.equalTo(i), coalesce(checks.get(i).detail(), lit("(null)"))).otherwise(detail);
    }
    return when(index.isNotNull(), detail);
  }

  /** The reasons this input can produce, for counting each one. */
  public List<RejectReason> possibleReasons() {
    return checks.stream().map(Check::reason).distinct().toList();
  }

  /**
   * The text in upper case, for a column whose usual values are known, in upper case: one of them
   * passes as it is. Spark changes case character by character, which on every transaction's
   * currency was several percent of the ingest's CPU; comparing with a few values is not.
   */
  static Column upperCase(Column text, Collection<String> usual) {
    return when(text.isin(usual.toArray()), text).otherwise(upper(text));
  }

  /** The text in lower case; one of the {@code usual} values, in lower case, passes as it is ({@link #upperCase}). */
  static Column lowerCase(Column text, Collection<String> usual) {
    return when(text.isin(usual.toArray()), text).otherwise(lower(text));
  }

  static Column notIn(Column value, List<String> allowed) {
    return value.isNotNull().and(not(value.isin(allowed.toArray())));
  }

  private DataType sourceType(String name) {
    return sourceSchema.apply(name).dataType();
  }

  private static RejectReason parseFailureReason(DataType type) {
    if (type instanceof TimestampType) {
      return RejectReason.BAD_TIMESTAMP;
    }
    if (type instanceof DecimalType || type instanceof DoubleType) {
      return RejectReason.BAD_NUMBER;
    }
    if (type instanceof BooleanType) {
      return RejectReason.BAD_VALUE;
    }
    return null;
  }

  private static String describe(DataType type) {
    if (type instanceof TimestampType) {
      return "an ISO-8601 date and time with an offset or Z";
    }
    if (type instanceof BooleanType) {
      return "a boolean";
    }
    return "a number";
  }
}
