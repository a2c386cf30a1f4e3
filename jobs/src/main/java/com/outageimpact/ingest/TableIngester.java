package com.outageimpact.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.outageimpact.common.Failures;
import com.outageimpact.common.InputException;
import com.outageimpact.common.PlanLeaves;
import com.outageimpact.schema.ColumnSpec;
import com.outageimpact.schema.InputSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Turns an opened input into accepted rows, reject rows and counts without shuffling the rows.
 *
 * <p>Every row is checked and typed once and cached. The keys that came more than once are found
 * as 64-bit hashes: nearly every key is unique, so that table is small and rows are joined to it
 * by broadcast. A Parquet input that every later stage reads (the transactions) reads its key
 * columns alone first, so each row is marked as it is cached, and an event key ({@link
 * InputSchema#eventKey}) is cached on the marked rows alone; any other input (text would be
 * parsed whole for its keys) is cached first, with its key hash, the repeated keys are found
 * from the cache and every read of the cache marks the rows.
 * Only the marked rows are grouped (a key's copies with one content become one row with their
 * count); the rest are one row each as they are. The rejects, the counts and the accepted rows
 * (one per key) all come from that cache. Grouping every row instead (by key, through a shuffle)
 * hashed and compared every column of every row twice, for groups that were nearly all single
 * rows (docs/benchmarks.md).
 *
 * <p>Repeats of a key are told apart by content, a 64-bit hash of the row's parsed contract
 * values (so {@code 5} and {@code 5.000}, or one instant at two offsets, are the same content).
 * Of a key's copies, the kept one is the one whose content hash is smallest: a rule that depends
 * on nothing but the contents, not on file order. Copies with that content are exact duplicates;
 * copies with other content are conflicting duplicates, rejected as {@code conflicting_duplicate}
 * (one reject row each, written by another read that runs only when there are any).
 */
public final class TableIngester {

  private static final String REASON = "_reason";
  private static final String DETAIL = "_detail";
  private static final String SOURCE_ROW = "_source_row";
  private static final String RAW = "_raw";
  /** Whether Spark compresses a cached table's column batches (default true). */
  static final String CACHE_COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";
  private static final String CONTENT = "_content";
  private static final String REPEATED = "_repeated";
  private static final String KEY_HASH = "_key_hash";
  private static final String CHECK = "_check";
  private static final String KEPT = "_kept_content";
  private static final String COPIES = "_copies";
  private static final String KEY_COPIES = "_key_copies";
  private static final String KEPT_COPIES = "_kept_copies";

  private TableIngester() {}

  /**
   * @param opened the input as read
   * @param configure adds the input's own domain and reference checks
   * @param derive adds derived columns to the accepted rows (applied after the typed columns)
   * @param rejectsPath where this input's reject rows are written (a staging path)
   * @param readByEveryStage whether many later queries read the accepted rows (the transactions),
   *     so that marking the repeated keys' rows once, as they are cached, pays for a first read
   * @return the accepted rows over cached tables the caller releases ({@link IngestedInput#release})
   */
  public static IngestedInput ingest(
      InputReader.Opened opened,
      java.util.function.Consumer<RowChecks> configure,
      UnaryOperator<Dataset<Row>> derive,
      String rejectsPath,
      boolean readByEveryStage) {
    InputSchema schema = opened.schema();
    RowChecks checks = new RowChecks(schema, opened.rows().schema());
    configure.accept(checks);
    List<Dataset<Row>> kept = new ArrayList<>();
    try {
      return ingest(opened, checks, derive, rejectsPath, readByEveryStage, kept);
    } catch (Throwable t) {
      kept.forEach(PlanLeaves::release); // the caller gets no input to release
      throw t;
    }
  }

  private static IngestedInput ingest(InputReader.Opened opened, RowChecks checks,
      UnaryOperator<Dataset<Row>> derive, String rejectsPath, boolean readByEveryStage, List<Dataset<Row>> kept) {
    InputSchema schema = opened.schema();
    List<String> keyNames = schema.keyColumns();
    Column[] keys = columns(keyNames);

    // Every row is checked once and cached. A rejected row keeps its detail, its raw text and its
    // file; accepted rows lose their file, so that the same row delivered in two files is one group.
    // Keys are told apart by a 64-bit hash of their typed values: fixed-width numbers to group and
    // to look up, not text. A collision only sends a row through the grouping below, which
    // handles single rows too. The keys that came more than once are a small table (nearly every
    // key is unique), cached rather than checkpointed so that the planner knows its real size and
    // broadcasts it when it is small (spark.sql.autoBroadcastJoinThreshold).
    Column keyPresent = lit(true);
    for (String name : keyNames) {
      keyPresent = keyPresent.and(col(name).isNotNull());
    }
    Column keyHash = when(keyPresent, xxhash64(keys)).as(KEY_HASH);
    List<Column> cachedColumns = new ArrayList<>(List.of(columns(schema.columnNames())));
    cachedColumns.addAll(List.of(col(REASON), col(CHECK), col(SOURCE_ROW), col(RAW),
        when(col(REASON).isNotNull(), col(InputReader.SOURCE_FILE)).as(InputReader.SOURCE_FILE)));
    // Every row read is counted once, by outcome (an empty input gives zeros), as the first action
    // over the cache, which fills it: no read of its own. Accepted rows are counted with every copy
    // of a repeated key; those copies are taken off below, from the repeated keys' small groups.
    List<RejectReason> reasons = checks.possibleReasons();
    List<Column> byOutcome = new ArrayList<>();
    byOutcome.add(count(lit(1)));
    byOutcome.add(count(when(col(REASON).isNull(), lit(1))));
    for (RejectReason reason : reasons) {
      byOutcome.add(count(when(col(REASON).equalTo(reason.code()), lit(1))));
    }
    Row outcomes;
    Dataset<Row> marked;
    if (opened.format() == InputFormat.PARQUET && readByEveryStage) {
      // Parquet reads the key columns alone, cheaply: the repeated keys first, then each row is
      // marked as it is cached, and none of the many later reads of the cache has a join to make.
      // The keys are read from the rows as read: Spark keeps the lookup's left join even where none
      // of its columns is used (it cannot know the looked-up names are unique), and it cost this
      // pass a sixth of its CPU time at 30 million rows.
      Dataset<Row> repeatedKeys = repeatedKeys(checks.prepare(opened.asRead())
          .select(parsedKeyHash(schema, checks).as(KEY_HASH)), kept);
      long repeatedKeyCount = readingInput(opened, repeatedKeys::count);
      Dataset<Row> checked = checked(opened, checks, false);
      // With no repeated key, no join at all: an empty cache reports no size, and the planner
      // would shuffle every row for it (here and on the other path below).
      Column repeated = repeatedKeyCount == 0 ? lit(null).cast(DataTypes.BooleanType) : col(REPEATED);
      cachedColumns.add(repeated.as(REPEATED));
      if (schema.eventKey()) {
        // An event key is cached only where the grouping below needs it, on the repeated keys'
        // rows: distinct on nearly every row, it was the cache's costliest column to build, and the
        // accepted rows go on without it (docs/benchmarks.md, "The transactions' key out of the cache").
        for (String name : keyNames) {
          cachedColumns.set(schema.columnNames().indexOf(name), when(repeated.isNotNull(), col(name)).as(name));
        }
      }
      if (repeatedKeyCount > 0) {
        checked = checked.withColumn(KEY_HASH, keyHash).join(PlanLeaves.overCache(repeatedKeys), KEY_HASH, "left");
      }
      Dataset<Row> cached = cache(checked.select(cachedColumns.toArray(Column[]::new)), readByEveryStage);
      kept.add(cached);
      // From here on, and in every later stage, the rows are read as the cache itself: the plan
      // that read and checked them is not analysed again by every query (PlanLeaves).
      marked = PlanLeaves.overCache(cached);
      outcomes = countOutcomes(opened, marked, byOutcome);
    } else {
      // A text input would be parsed whole to find its keys, and an input read by few later
      // queries gains little from marks stored in the cache, so the input is read once: the rows
      // are cached with their key's hash, the repeated keys found from the cache, and every read
      // of the cache marks the rows by a join to them.
      // Parsing the text twice cost more than the join on every later read (docs/benchmarks.md).
      cachedColumns.add(keyHash);
      Dataset<Row> cached = cache(checked(opened, checks, false).select(cachedColumns.toArray(Column[]::new)),
          readByEveryStage);
      kept.add(cached);
      Dataset<Row> cachedRows = PlanLeaves.overCache(cached);
      outcomes = countOutcomes(opened, cachedRows, byOutcome);
      Dataset<Row> repeatedKeys = repeatedKeys(cachedRows.select(col(KEY_HASH)), kept);
      long repeatedKeyCount = readingInput(opened, repeatedKeys::count);
      marked = repeatedKeyCount == 0
          ? cachedRows.withColumn(REPEATED, lit(null).cast(DataTypes.BooleanType))
          : cachedRows.join(PlanLeaves.overCache(repeatedKeys), KEY_HASH, "left");
    }

    long read = outcomes.getLong(0);
    long acceptedCopies = outcomes.getLong(1);
    Map<String, Long> rejectedByReason = new LinkedHashMap<>();
    long rejected = 0;
    for (int i = 0; i < reasons.size(); i++) {
      long n = outcomes.getLong(i + 2);
      if (n > 0) {
        rejectedByReason.put(reasons.get(i).code(), n);
      }
      rejected += n;
    }

    // Only the rows whose key repeats are grouped (a key's copies with one content become one row
    // with their count), into a small table of their own; their content hash is computed here.
    List<String> groupingNames = new ArrayList<>(schema.columnNames());
    groupingNames.addAll(List.of(CONTENT, REASON, CHECK, SOURCE_ROW, RAW, InputReader.SOURCE_FILE));
    Dataset<Row> repeatedGroups = PlanLeaves.checkpoint(marked.filter(col(REPEATED).isNotNull())
        .withColumn(CONTENT, contentHash(schema))
        .groupBy(columns(groupingNames)).agg(count(lit(1)).as(COPIES)));
    kept.add(repeatedGroups);
    Dataset<Row> unrepeated = marked.filter(col(REPEATED).isNull()).drop(REPEATED, KEY_HASH)
        .withColumn(CONTENT, lit(null).cast(DataTypes.LongType)).withColumn(COPIES, lit(1L));
    Dataset<Row> groups = unrepeated.unionByName(repeatedGroups);

    // Per repeated key: its kept content and how many copies it came in.
    Dataset<Row> perKey = repeatedGroups.filter(col(REASON).isNull()).groupBy(keys).agg(min(CONTENT).as(KEPT),
        min_by(col(COPIES), col(CONTENT)).as(KEPT_COPIES), sum(COPIES).as(KEY_COPIES));
    Row keyCounts = perKey.agg(count(lit(1)), sum(col(KEPT_COPIES).minus(1)),
        sum(col(KEY_COPIES).minus(col(KEPT_COPIES))), sum(KEY_COPIES)).first();
    long repeatedAcceptedCopies = keyCounts.isNullAt(3) ? 0 : keyCounts.getLong(3);
    long accepted = acceptedCopies - repeatedAcceptedCopies + keyCounts.getLong(0);
    long duplicates = keyCounts.isNullAt(1) ? 0 : keyCounts.getLong(1);
    long conflicting = keyCounts.isNullAt(2) ? 0 : keyCounts.getLong(2);

    // A reject row per rejected row: identical ones were grouped, and come back out by their count.
    readingInput(opened, () -> {
      withDetail(groups.filter(col(REASON).isNotNull()), opened, checks)
          .withColumn(COPIES, explode(sequence(lit(1L), col(COPIES))))
          .select(lit(schema.name()).as("input"), col(REASON).as("reason"), col(DETAIL).as("detail"),
              col(InputReader.SOURCE_FILE).as("source_file"), col(RAW).as("raw"))
          .write().mode(SaveMode.Overwrite).parquet(rejectsPath);
      return null;
    });

    // Conflicting copies can only be among the repeated keys' groups.
    Dataset<Row> keptRepeated = repeatedGroups.filter(col(REASON).isNull());
    if (conflicting > 0) {
      // Only when some key came with different contents: a reject row per dropped copy, each with
      // its own file and raw text, which the grouped table does not keep; so the data is read
      // again, for those keys' rows only.
      Dataset<Row> conflictingKeys = perKey.filter(col(KEY_COPIES).gt(col(KEPT_COPIES)))
          .select(keysAndKept(keys));
      Dataset<Row> conflictingRows = readingInput(opened, () -> rowsOfKeys(opened, checks, conflictingKeys, keyHash, kept));
      Dataset<Row> copies = checked(opened.withRows(conflictingRows), checks, true).filter(col(REASON).isNull())
          .join(conflictingKeys, keyNames.toArray(String[]::new));
      readingInput(opened, () -> {
        copies.filter(col(CONTENT).notEqual(col(KEPT)))
            .select(lit(schema.name()).as("input"), lit(RejectReason.CONFLICTING_DUPLICATE.code()).as("reason"),
                conflictDetail(keyNames).as("detail"), col(InputReader.SOURCE_FILE).as("source_file"),
                col(RAW).as("raw"))
            .write().mode(SaveMode.Append).parquet(rejectsPath);
        return null;
      });
      keptRepeated = keptRepeated.join(conflictingKeys, keyNames.toArray(String[]::new), "left")
          .filter(col(KEPT).isNull().or(col(CONTENT).equalTo(col(KEPT))));
      rejectedByReason.put(RejectReason.CONFLICTING_DUPLICATE.code(), conflicting);
      rejected += conflicting;
    }
    Column[] acceptedColumns = columns(schema.acceptedColumns());
    Dataset<Row> acceptedRows = derive.apply(unrepeated.filter(col(REASON).isNull()).select(acceptedColumns)
        .union(keptRepeated.select(acceptedColumns)));
    InputCounts counts = new InputCounts(schema.name(), opened.path(), opened.format().name().toLowerCase(java.util.Locale.ROOT),
        opened.files(), opened.dates(), opened.filesSkipped(), read, accepted, rejected, duplicates, conflicting,
        rejectedByReason);
    return new IngestedInput(acceptedRows, counts, List.copyOf(kept));
  }

  /**
   * The input's rows (as read, before any check) whose key is one of {@code wanted}'s, found by the
   * key's hash and stored: few rows, that the checks, the content hash and the raw row then run on.
   * Checked first and filtered after, every row of the input had its raw row built and its checks
   * run in the filter on its outcome (which the optimizer moves below them, written out in full):
   * one conflicting copy in 10 million rows made the ingest 2.6 times as long (docs/benchmarks.md).
   */
  private static Dataset<Row> rowsOfKeys(InputReader.Opened opened, RowChecks checks, Dataset<Row> wanted,
      Column keyHash, List<Dataset<Row>> kept) {
    Dataset<Row> wantedHashes = wanted.select(keyHash).persist(StorageLevel.MEMORY_AND_DISK());
    kept.add(wantedHashes);
    wantedHashes.count(); // materialized, so that the planner sees how small it is and broadcasts it
    Dataset<Row> source = opened.rows();
    Dataset<Row> rows = PlanLeaves.checkpoint(checks.prepare(source)
        .withColumn(KEY_HASH, parsedKeyHash(opened.schema(), checks))
        .join(wantedHashes, KEY_HASH, "left_semi")
        .select(columns(List.of(source.columns()))));
    kept.add(rows);
    return rows;
  }

  /**
   * The key's hash read from a row as it came ({@link RowChecks#prepare}d, before the checks): its
   * key columns parsed to their contract types, in their canonical forms, so it equals the checked
   * rows' {@value #KEY_HASH};
   * null when a key column is absent or unparseable.
   */
  private static Column parsedKeyHash(InputSchema schema, RowChecks checks) {
    List<Column> typed = new ArrayList<>();
    Column present = lit(true);
    for (String name : schema.keyColumns()) {
      Column value = checks.inCanonicalForm(name, checks.parsed(name).cast(schema.column(name).type()));
      typed.add(value);
      present = present.and(value.isNotNull());
    }
    return when(present, xxhash64(typed.toArray(Column[]::new)));
  }

  /**
   * The key hashes (column {@value #KEY_HASH}, null without a key) that came more than once, cached.
   * Counted over each hash partition sorted (a window), not in a hash aggregate: nearly every key
   * is unique, so an aggregate built a table entry per row on each side of the shuffle, each one a
   * cache miss in a table of millions, and merged nothing; a sort of 64-bit values does not miss.
   * 25% less time at 30 million rows (docs/benchmarks.md). Only the repeated keys' rows go on to
   * be made distinct, already partitioned by the hash.
   */
  private static Dataset<Row> repeatedKeys(Dataset<Row> keyHashes, List<Dataset<Row>> kept) {
    Dataset<Row> repeated = keyHashes.filter(col(KEY_HASH).isNotNull())
        .withColumn(COPIES, count(lit(1)).over(Window.partitionBy(KEY_HASH))).filter(col(COPIES).gt(1))
        .select(col(KEY_HASH)).distinct()
        .select(col(KEY_HASH), lit(true).as(REPEATED)).persist(StorageLevel.MEMORY_AND_DISK());
    kept.add(repeated);
    return repeated;
  }

  /**
   * The rows typed and checked: the contract columns, the reject reason, the failed check's index
   * and the row as it came (both null when accepted; {@link #withDetail} turns them into the
   * detail), the raw row (for every row when {@code rawForAll}, else for rejected rows only: it is
   * JSON text, costly to build), the source file and the content hash.
   */
  private static Dataset<Row> checked(InputReader.Opened opened, RowChecks checks, boolean rawForAll) {
    InputSchema schema = opened.schema();
    // The failed check's index is computed once; reason, detail and raw row all read it.
    Dataset<Row> prepared = checks.prepare(opened.rows()).withColumn(CHECK, checks.failedCheck());
    Column failed = col(CHECK).isNotNull();
    List<Column> columns = new ArrayList<>();
    for (ColumnSpec column : schema.columns()) {
      Column typed = checks.parsed(column.name()).cast(column.type());
      if (schema.privateColumns().contains(column.name())) {
        // Held as its 64-bit hash from here on (InputSchema): the text goes no further than the checks.
        typed = when(typed.isNotNull(), xxhash64(typed));
      }
      columns.add(typed.as(column.name()));
    }
    columns.add(checks.reasonOf(col(CHECK)).as(REASON));
    columns.add(col(CHECK));
    // The detail is worked out later, from the source row, for the rejected rows alone (withDetail).
    List<Column> source = new ArrayList<>();
    for (String name : sourceRowNames(opened)) {
      source.add(col(name));
    }
    columns.add(when(failed, struct(source.toArray(Column[]::new))).as(SOURCE_ROW));
    Column raw = rawRow(schema);
    columns.add((rawForAll ? raw : when(failed, raw)).as(RAW));
    columns.add(col(InputReader.SOURCE_FILE));
    return checks.canonicalised(prepared.select(columns.toArray(Column[]::new))).withColumn(CONTENT, contentHash(schema));
  }

  /**
   * The columns a rejected row keeps as it came ({@value #SOURCE_ROW}), for its detail: the source
   * columns but the file (kept apart) and the private ones, whose text goes no further than the
   * checks (a check's detail on one names the column, not its value).
   */
  private static List<String> sourceRowNames(InputReader.Opened opened) {
    List<String> names = new ArrayList<>();
    for (String name : opened.rows().columns()) {
      if (!name.equals(InputReader.SOURCE_FILE) && !opened.schema().privateColumns().contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The rejected rows with their detail ({@value #DETAIL}): each one's source row is put back as
   * the checks read it, and the detail of the check it failed is built from it. Done here, where
   * only rejected rows are read, rather than for every row in the query that checks them
   * ({@link RowChecks#detailOf}).
   */
  private static Dataset<Row> withDetail(Dataset<Row> rejected, InputReader.Opened opened, RowChecks checks) {
    List<String> kept = sourceRowNames(opened);
    List<Column> columns = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField field : opened.rows().schema().fields()) {
      String name = field.name();
      if (name.equals(InputReader.SOURCE_FILE)) {
        columns.add(col(name));
      } else {
        columns.add((kept.contains(name) ? col(SOURCE_ROW).getField(name) : lit(null).cast(field.dataType())).as(name));
      }
    }
    for (String name : List.of(REASON, CHECK, RAW, COPIES)) {
      columns.add(col(name));
    }
    return checks.prepare(rejected.select(columns.toArray(Column[]::new)))
        .withColumn(DETAIL, checks.detailOf(col(CHECK)));
  }

  /** The outcome counts ({@code byOutcome}) over the cached rows: one row, read with the input's errors. */
  private static Row countOutcomes(InputReader.Opened opened, Dataset<Row> cachedRows, List<Column> byOutcome) {
    return readingInput(opened,
        () -> cachedRows.agg(byOutcome.get(0), byOutcome.subList(1, byOutcome.size()).toArray(Column[]::new)).first());
  }

  /**
   * The rows cached (memory, then disk), compressed only for the input every stage reads (the
   * transactions, whose size the run's memory must hold). Spark's columnar cache compresses each
   * batch after gathering, for every string column, a dictionary of its values, which clones each
   * distinct value into a hash map: a third of the time that filled the 10 million reports' cache
   * (JFR), for a cache 1.5 times smaller (508 MiB against 779 MiB). Spark takes the setting from
   * the session when the table is cached, so it is set around that call; a value the user set
   * explicitly wins.
   */
  static Dataset<Row> cache(Dataset<Row> rows, boolean compressed) {
    RuntimeConfig conf = rows.sparkSession().conf();
    boolean chosen = !conf.contains(CACHE_COMPRESSED);
    if (chosen) {
      conf.set(CACHE_COMPRESSED, compressed);
    }
    try {
      return rows.persist(StorageLevel.MEMORY_AND_DISK());
    } finally {
      if (chosen) {
        conf.unset(CACHE_COMPRESSED);
      }
    }
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Runs an action on the input; a read that fails says which input and file, in one line. */
  private static <T> T readingInput(InputReader.Opened opened, java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) {
      // SparkException (a read that failed in a task) is checked in Java and thrown undeclared by
      // Scala: catching RuntimeException alone let it through, with ~270 lines of trace.
      // The file that failed, when Spark says which (a corrupt part file among many), else the input's path.
      String file = Failures.failedFile(e);
      throw new InputException("input '" + opened.schema().name() + "': cannot read "
          + (file != null ? file : opened.path()) + ": " + Failures.firstLine(Failures.rootCause(e)), e);
    }
  }

  /**
   * A row's content: a 64-bit hash of its parsed contract values, each with its null flag (the
   * hash skips nulls, which would make a value in one column and the same value in the next alike).
   */
  private static Column contentHash(InputSchema schema) {
    List<Column> parts = new ArrayList<>();
    for (String name : schema.columnNames()) {
      parts.add(col(name));
      parts.add(col(name).isNull());
    }
    return xxhash64(parts.toArray(Column[]::new));
  }

  private static Column[] keysAndKept(Column[] keys) {
    List<Column> columns = new ArrayList<>(List.of(keys));
    columns.add(col(KEPT));
    return columns.toArray(Column[]::new);
  }

  /** Names the key, e.g. {@code txn_id 't1' came with different contents; ...}. */
  private static Column conflictDetail(List<String> keyNames) {
    List<Column> parts = new ArrayList<>();
    for (int i = 0; i < keyNames.size(); i++) {
      parts.add(lit((i == 0 ? "" : ", ") + keyNames.get(i) + " '"));
      parts.add(col(keyNames.get(i)).cast(org.apache.spark.sql.types.DataTypes.StringType));
      parts.add(lit("'"));
    }
    parts.add(lit(" came with different contents; the copy kept is the one whose content hash is smallest"));
    return concat(parts.toArray(Column[]::new));
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
}
