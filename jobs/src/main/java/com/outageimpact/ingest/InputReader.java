package com.outageimpact.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.common.Failures;
import com.outageimpact.common.InputException;
import com.outageimpact.schema.ColumnSpec;
import com.outageimpact.schema.InputSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Opens one tabular input: finds its files (one file, a folder of part files, or a Hive-style
 * partitioned folder), settles its format, checks that the required columns are there, and reads
 * it with an explicit schema (never inference on the data). Text formats are read as text so that
 * validation sees every value as written; Parquet keeps its types.
 *
 * <p>The result has the input's contract columns (absent optional ones as nulls),
 * {@value #CORRUPT_RECORD} (the line when it could not be split into columns) and
 * {@value #SOURCE_FILE}.
 */
public final class InputReader {

  public static final String CORRUPT_RECORD = "_corrupt_record";
  public static final String SOURCE_FILE = "_source_file";


  /** How many leading JSON lines are looked at to check an input's keys. */
  private static final int JSON_PROBE_LINES = 50;

  private final SparkSession spark;
  private final Configuration hadoopConf;

  public InputReader(SparkSession spark) {
    this.spark = spark;
    this.hadoopConf = spark.sparkContext().hadoopConfiguration();
  }

  /**
   * What was opened: where, in which format, how many files were read, and, when only some date
   * partitions were, which dates and how many files were left unread.
   */
  public record Opened(InputSchema schema, String path, InputFormat format, int files, DateSpan dates,
      int filesSkipped, Dataset<Row> rows, Dataset<Row> asRead) {

    /**
     * The same input with {@code looked} as its rows: the rows as read, with what the checks look
     * up elsewhere joined to them. {@link #asRead} stays the rows alone, for what needs only their
     * own columns (the keys), so that it does not pay for the lookup.
     */
    public Opened withLookups(Dataset<Row> looked) {
      return new Opened(schema, path, format, files, dates, filesSkipped, looked, asRead);
    }

    /** The same input with other rows of it (already looked up, if they need to be), taken as they are. */
    public Opened withRows(Dataset<Row> other) {
      return new Opened(schema, path, format, files, dates, filesSkipped, other, other);
    }
  }

  public Opened open(InputSchema schema, String pathText, InputFormat formatOverride) {
    return open(schema, pathText, formatOverride, null);
  }

  /**
   * @param dates when not null, only the files in these date partitions (and files in no date
   *     partition) are read
   */
  public Opened open(InputSchema schema, String pathText, InputFormat formatOverride, DateSpan dates) {
    String input = schema.name();
    Path path = new Path(pathText);
    List<FileStatus> all = dataFiles(input, path);
    List<FileStatus> files = all;
    String[] readPaths = {pathText};
    if (dates != null) {
      Path root = qualified(input, path);
      files = all.stream().filter(f -> dates.admits(root, f.getPath())).toList();
      if (files.isEmpty()) {
        throw new InputException("input '" + input + "': none of the " + all.size() + " files under " + path
            + " is in a date partition from " + dates.first() + " to " + dates.last() + ", the dates the run needs");
      }
      if (files.size() < all.size()) {
        readPaths = files.stream().map(f -> f.getPath().toString()).toArray(String[]::new);
      }
    }
    InputFormat format = formatOverride != null ? formatOverride : detectFormat(input, path, files);
    Dataset<Row> rows = switch (format) {
      case CSV -> readCsv(schema, pathText, readPaths, files);
      case JSON -> readJson(schema, pathText, readPaths, files);
      case PARQUET -> readParquet(schema, pathText, readPaths, files.get(0));
    };
    return new Opened(schema, pathText, format, files.size(), dates, all.size() - files.size(), rows, rows);
  }

  private Path qualified(String input, Path path) {
    try {
      return path.getFileSystem(hadoopConf).makeQualified(path);
    } catch (IOException e) {
      throw new InputException("input '" + input + "': cannot resolve " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * A reader for some files of a folder: the folder stays the base path, so that its partition
   * folders are still read as columns, the same whether some or all files are read.
   */
  private org.apache.spark.sql.DataFrameReader reader(String pathText, String[] readPaths) {
    org.apache.spark.sql.DataFrameReader reader = spark.read();
    return readPaths.length == 1 && readPaths[0].equals(pathText) ? reader : reader.option("basePath", pathText);
  }

  /** The data files under a path, skipping Spark and Hadoop bookkeeping (names starting with _ or .). */
  private List<FileStatus> dataFiles(String input, Path path) {
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      if (!fs.exists(path)) {
        throw new InputException("input '" + input + "': path does not exist: " + path);
      }
      List<FileStatus> files = new ArrayList<>();
      FileStatus status = fs.getFileStatus(path);
      if (status.isFile()) {
        files.add(status);
      } else {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(path, true);
        while (it.hasNext()) {
          LocatedFileStatus file = it.next();
          if (!isHidden(path, file.getPath())) {
            files.add(file);
          }
        }
      }
      if (files.isEmpty()) {
        throw new InputException("input '" + input + "': no data files under " + path);
      }
      files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
      return files;
    } catch (IOException e) {
      throw new InputException("input '" + input + "': cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  private static boolean isHidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static InputFormat detectFormat(String input, Path path, List<FileStatus> files) {
    Set<InputFormat> formats = new LinkedHashSet<>();
    for (FileStatus file : files) {
      InputFormat format = InputFormat.fromFileName(file.getPath().getName());
      if (format != null) {
        formats.add(format);
      }
    }
    if (formats.size() == 1) {
      return formats.iterator().next();
    }
    if (formats.isEmpty()) {
      throw new InputException("input '" + input + "': cannot tell the format of " + path
          + " from its file names (.csv, .json/.jsonl, .parquet); give it with --" + input + "-format");
    }
    throw new InputException("input '" + input + "': " + path + " mixes formats " + formats
        + "; give one with --" + input + "-format");
  }

  /**
   * A CSV line as RFC 4180 allows it on one line: fields separated by commas, each either free of
   * quotes or wholly quoted, with a doubled quote for a quote inside. The quoted form is tried
   * first, and each form decides at a field's first character, so possessive quantifiers (no
   * backtracking on a long field) lose no match.
   */
  private static final String RFC4180_LINE =
      "^(?:\"(?:[^\"]++|\"\")*+\"|[^\",]*+)(?:,(?:\"(?:[^\"]++|\"\")*+\"|[^\",]*+))*+$";

  /**
   * CSV, as RFC 4180 (a doubled quote inside quotes escapes a quote; a backslash is a character),
   * one record per line. Lines are read as text and split with Spark's CSV parser ({@code
   * from_csv}), or on their commas where that gives the same fields (below), so that a line that
   * is not a record is kept whole for its reject row:
   * <ul>
   *   <li>a line whose field count differs from the header's (the parser's corrupt record);
   *   <li>a line with quotes RFC 4180 does not allow: a stray quote ({@code a"b}), text after a
   *       closing quote ({@code "a"x}), or an unpaired quote. The last is how a quoted field
   *       holding a line break shows: both of its lines are rejected, so neither half gets in.
   *       Records spanning lines are not supported, since a file is split between tasks at line
   *       ends (and one stray quote would otherwise swallow the rest of the file).
   * </ul>
   * Lines identical to a file's header line are headers, wherever they are (files concatenated
   * with their headers read as one); blank lines are skipped, as Spark's CSV reader does. Every
   * file's header must match the first one's.
   */
  private Dataset<Row> readCsv(InputSchema schema, String pathText, String[] readPaths, List<FileStatus> files) {
    List<String> header = csvHeader(schema.name(), files.get(0)).names();
    Set<String> headerLines = new LinkedHashSet<>();
    for (FileStatus file : files) {
      CsvHeader other = csvHeader(schema.name(), file);
      if (!other.names().equals(header)) {
        throw new InputException("input '" + schema.name() + "': header of " + file.getPath() + " " + other.names()
            + " differs from that of " + files.get(0).getPath() + " " + header);
      }
      headerLines.add(other.line());
      headerLines.add("\uFEFF" + other.line());
    }
    Map<String, String> byContractName = new LinkedHashMap<>();
    StructType fileSchema = new StructType();
    for (String name : header) {
      byContractName.putIfAbsent(normalise(name), name);
      fileSchema = fileSchema.add(name, DataTypes.StringType, true);
    }
    requireColumns(schema, byContractName.keySet(), files.get(0).getPath());
    fileSchema = fileSchema.add(CORRUPT_RECORD, DataTypes.StringType, true);
    Map<String, String> csvOptions = Map.of(
        // RFC 4180: inside a quoted field a doubled quote is a quote, and a backslash is a character
        // (Spark's default escape is a backslash, which split "T-bs\",... wrongly).
        "escape", "\"",
        "mode", "PERMISSIVE",
        "columnNameOfCorruptRecord", CORRUPT_RECORD);
    Column line = col("value");
    Column quoted = line.contains("\"");
    Column notRfc4180 = quoted.and(not(line.rlike(RFC4180_LINE)));
    // A line without a quote whose commas give the header's field count (nearly every line) is
    // split on them as it is: there the parser would return the same fields, with an empty one as
    // null (its null value). The parser is kept for every other line (quotes, a wrong count, a
    // NUL first character, which it reads as a comment). 5.5% less CPU to read 30 million CSV lines
    // (docs/benchmarks.md, session 24).
    Column tokens = col("_tokens"); // split once, in a projection of its own: each field reads it
    List<Column> splitFields = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      Column token = tokens.getItem(i);
      splitFields.add(when(token.notEqual(lit("")), token).as(header.get(i)));
    }
    splitFields.add(lit(null).cast(DataTypes.StringType).as(CORRUPT_RECORD));
    Column plain = not(quoted).and(not(line.startsWith("\u0000")))
        .and(size(tokens).equalTo(header.size()));
    Column parsed = when(plain, struct(splitFields.toArray(Column[]::new)))
        .otherwise(from_csv(line, lit(fileSchema.toDDL()), new java.util.HashMap<>(csvOptions)));
    List<Column> fields = new ArrayList<>();
    for (String name : header) {
      fields.add(col("_parsed").getField(name).as(name));
    }
    fields.add(when(notRfc4180, line).otherwise(col("_parsed").getField(CORRUPT_RECORD)).as(CORRUPT_RECORD));
    fields.add(col(SOURCE_FILE));
    Dataset<Row> raw = reader(pathText, readPaths).text(readPaths)
        .select(line, col("_metadata.file_path").as(SOURCE_FILE))
        .filter(not(line.isin(headerLines.toArray())).and(not(line.rlike("^[\\x00-\\x20]*$"))))
        .select(line, split(line, ",", -1).as("_tokens"), col(SOURCE_FILE))
        .select(line, parsed.as("_parsed"), col(SOURCE_FILE))
        .select(fields.toArray(Column[]::new));
    return contractColumns(schema, raw, byContractName, true, col(SOURCE_FILE));
  }

  private Dataset<Row> readJson(InputSchema schema, String pathText, String[] readPaths, List<FileStatus> files) {
    Set<String> keys = jsonKeys(schema.name(), files.get(0));
    requireColumns(schema, keys, files.get(0).getPath());
    StructType fileSchema = schema.textSchema().add(CORRUPT_RECORD, DataTypes.StringType, true);
    Dataset<Row> raw = reader(pathText, readPaths)
        .schema(fileSchema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
        .json(readPaths);
    Map<String, String> identity = new LinkedHashMap<>();
    for (String name : schema.columnNames()) {
      identity.put(name, name);
    }
    return contractColumns(schema, raw, identity, true, col("_metadata.file_path"));
  }

  private Dataset<Row> readParquet(InputSchema schema, String pathText, String[] readPaths, FileStatus firstFile) {
    Dataset<Row> raw;
    StructType fileSchema;
    try {
      raw = reader(pathText, readPaths).parquet(readPaths);
      fileSchema = raw.schema();
    } catch (Exception e) {
      // Spark reads one file's footer for the schema: name that file when it says which.
      String file = Failures.failedFile(e);
      throw new InputException("input '" + schema.name() + "': cannot read Parquet at " + pathText
          + (file != null ? " (file " + file + ")" : " (first file " + firstFile.getPath() + ")") + ": "
          + Failures.firstLine(Failures.rootCause(e)), e);
    }
    Map<String, String> byContractName = new LinkedHashMap<>();
    for (StructField field : fileSchema.fields()) {
      byContractName.putIfAbsent(normalise(field.name()), field.name());
    }
    requireColumns(schema, byContractName.keySet(), firstFile.getPath());
    for (ColumnSpec column : schema.columns()) {
      String actual = byContractName.get(column.name());
      if (actual != null && !(fileSchema.apply(actual).dataType() instanceof org.apache.spark.sql.types.AtomicType)) {
        throw new InputException("input '" + schema.name() + "': column " + actual + " in "
            + firstFile.getPath() + " has type " + fileSchema.apply(actual).dataType().simpleString()
            + ", expected " + column.type().simpleString());
      }
    }
    return contractColumns(schema, raw, byContractName, false, col("_metadata.file_path"));
  }

  /** Selects the contract columns by their contract names; absent optional columns become nulls. */
  private static Dataset<Row> contractColumns(InputSchema schema, Dataset<Row> raw, Map<String, String> actualNames,
      boolean hasCorruptColumn, Column sourceFile) {
    List<Column> columns = new ArrayList<>();
    for (ColumnSpec column : schema.columns()) {
      String actual = actualNames.get(column.name());
      columns.add(actual == null
          ? lit(null).cast(DataTypes.StringType).as(column.name())
          : col("`" + actual + "`").as(column.name()));
    }
    columns.add(hasCorruptColumn
        ? col(CORRUPT_RECORD)
        : lit(null).cast(DataTypes.StringType).as(CORRUPT_RECORD));
    columns.add(sourceFile.as(SOURCE_FILE));
    return raw.select(columns.toArray(Column[]::new));
  }

  private static void requireColumns(InputSchema schema, Set<String> present, Path file) {
    List<String> missing = new ArrayList<>();
    for (String required : schema.requiredColumns()) {
      if (!present.contains(required)) {
        missing.add(required);
      }
    }
    if (!missing.isEmpty()) {
      throw new InputException("input '" + schema.name() + "': " + file + " lacks required column(s) "
          + missing + "; it has " + present);
    }
  }

  /** A CSV file's header: its first line as written (without a byte-order mark) and the column names in it. */
  private record CsvHeader(String line, List<String> names) {}

  private CsvHeader csvHeader(String input, FileStatus file) {
    try (BufferedReader reader = open(file.getPath())) {
      String line = reader.readLine();
      if (line == null) {
        throw new InputException("input '" + input + "': " + file.getPath() + " is empty (no header row)");
      }
      if (line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      List<String> names = new ArrayList<>();
      for (String name : line.split(",", -1)) {
        String trimmed = name.trim();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
          trimmed = trimmed.substring(1, trimmed.length() - 1).replace("\"\"", "\"");
        }
        names.add(trimmed);
      }
      return new CsvHeader(line, names);
    } catch (IOException e) {
      throw new InputException("input '" + input + "': cannot read " + file.getPath() + ": " + e.getMessage(), e);
    }
  }

  /** The keys of the first objects in a JSON Lines file (a first line may itself be a bad row). */
  private Set<String> jsonKeys(String input, FileStatus file) {
    ObjectMapper mapper = new ObjectMapper();
    Set<String> keys = new LinkedHashSet<>();
    int objects = 0;
    try (BufferedReader reader = open(file.getPath())) {
      String line;
      int lines = 0;
      while ((line = reader.readLine()) != null && lines++ < JSON_PROBE_LINES) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode node = mapper.readTree(line);
          if (node != null && node.isObject()) {
            objects++;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
              keys.add(normalise(it.next()));
            }
          }
        } catch (IOException notJson) {
          // A malformed line is a reject row later, not a reason to give up on the file.
        }
      }
    } catch (IOException e) {
      throw new InputException("input '" + input + "': cannot read " + file.getPath() + ": " + e.getMessage(), e);
    }
    if (objects == 0) {
      throw new InputException("input '" + input + "': " + file.getPath()
          + " has no JSON object in its first " + JSON_PROBE_LINES + " lines; expected JSON Lines");
    }
    return keys;
  }

  private BufferedReader open(Path path) throws IOException {
    FileSystem fs = path.getFileSystem(hadoopConf);
    InputStream in = fs.open(path);
    CompressionCodec codec = new CompressionCodecFactory(hadoopConf).getCodec(path);
    if (codec != null) {
      in = codec.createInputStream(in);
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private static String normalise(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
