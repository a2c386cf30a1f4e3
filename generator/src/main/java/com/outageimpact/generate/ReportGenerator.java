package com.outageimpact.generate;

import com.outageimpact.schema.Schemas;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Problem reports, generated in Spark from tasks of one service x region x UTC day: per minute,
 * Poisson counts for the background, the outage surge and the false-alarm blip (drawn separately
 * so the truth can count the excess reports exactly).
 */
final class ReportGenerator {

  static final int BACKGROUND = 0;
  static final int SURGE = 1;
  static final int BLIP = 2;
  static final long KIND_TAG = Rng.tag("reports");
  static final long TAG_REPORTER = Rng.tag("reporter");
  /** During a total outage, this share of surge reports say total_blackout. */
  static final double BLACKOUT_SHARE = 0.3;

  /** Text rows: the contract columns as text (as CSV and JSON carry them), plus the date partition. */
  static final StructType TEXT_ROWS = Schemas.REPORTS.textSchema().add("date", DataTypes.StringType);

  static final StructType PARQUET_ROWS = new StructType()
      .add("report_id", DataTypes.StringType)
      .add("reported_epoch", DataTypes.LongType)
      .add("service", DataTypes.StringType)
      .add("region", DataTypes.StringType)
      .add("problem", DataTypes.StringType)
      .add("reporter_hash", DataTypes.StringType)
      .add("date", DataTypes.StringType);

  static final StructType COUNTS = new StructType()
      .add("service_idx", DataTypes.IntegerType)
      .add("region_idx", DataTypes.IntegerType)
      .add("background", DataTypes.LongType)
      .add("surge", DataTypes.LongType)
      .add("blip", DataTypes.LongType)
      .add("duplicates", DataTypes.LongType);

  interface Sink {
    /** problem is an index into the service's problems, or -1 for total_blackout; reporter -1 for none. */
    void accept(int kind, long id, long t, int problem, boolean regionMissing, long reporter);
  }

  private ReportGenerator() {}

  static long id(int day, int service, int region, long seq) {
    return ((long) day << 40) | ((long) service << 32) | ((long) region << 28) | seq;
  }

  static String idText(long id) {
    return "r" + Long.toString(id, 36);
  }

  static long taskCount(World w) {
    return (long) w.time.days() * w.services.length * Catalog.REGIONS.length;
  }

  static void generate(World w, long task, Sink sink) {
    int nr = Catalog.REGIONS.length;
    int perDay = w.services.length * nr;
    int day = (int) (task / perDay);
    int s = (int) (task % perDay) / nr;
    int r = (int) (task % nr);
    ReportModel m = w.reports;
    ReportModel.Surge surge = m.surges[s][r];
    ReportModel.Blip blip = m.blip != null && m.blip.service() == s && m.blip.region() == r ? m.blip : null;
    SplittableRandom rng = Rng.rng(w.seed, World.TAG_REPORT, day, s, r);
    long dayStart = w.time.dayStart(day);
    long pool = m.reporterPool(r);
    int problems = m.problems[s].length;
    long seq = 0;
    for (int minute = 0; minute < 1440; minute++) {
      long t = dayStart + minute * 60L;
      double bg = m.backgroundAt(s, r, t + 30);
      if (bg <= 0) {
        continue;
      }
      double surgeRate = surge == null ? 0 : bg * surge.excess(t + 30);
      double blipRate = blip == null ? 0 : bg * blip.excess(t + 30);
      for (int kind = BACKGROUND; kind <= BLIP; kind++) {
        double rate = kind == BACKGROUND ? bg : kind == SURGE ? surgeRate : blipRate;
        int n = Rng.poisson(rng, rate);
        for (int k = 0; k < n; k++) {
          long at = t + rng.nextInt(60);
          int problem = rng.nextInt(problems);
          if (kind == SURGE && surge.downAt(at) && rng.nextDouble() < BLACKOUT_SHARE) {
            problem = -1;
          }
          boolean regionMissing = rng.nextDouble() < ReportModel.MISSING_REGION;
          long reporter = rng.nextDouble() < ReportModel.WITH_REPORTER ? rng.nextLong(pool) : -1;
          sink.accept(kind, id(day, s, r, seq++), at, problem, regionMissing, reporter);
        }
      }
    }
  }

  static String reporterHash(long seed, int region, long reporter) {
    return String.format("%016x", Rng.hash(seed, TAG_REPORTER, region, reporter));
  }

  static Dataset<Row> rows(SparkSession spark, Broadcast<SharedWorld> world, int partitions, boolean duplicatesOnly) {
    World w = world.value().get();
    StructType schema = w.text ? TEXT_ROWS : PARQUET_ROWS;
    FlatMapFunction<Long, Row> f = task -> {
      World wv = world.value().get();
      int nr = Catalog.REGIONS.length;
      int s = (int) (task % (wv.services.length * nr)) / nr;
      int r = (int) (task % nr);
      String service = wv.services[s];
      String[] problems = wv.reports.problems[s];
      List<Row> out = new ArrayList<>();
      generate(wv, task, (kind, id, t, problem, regionMissing, reporter) -> {
        if (duplicatesOnly && !wv.isDuplicate(KIND_TAG, id, wv.reportDuplicateShare)) {
          return;
        }
        String region = regionMissing ? null : Catalog.REGIONS[r];
        String problemText = problem < 0 ? Catalog.TOTAL_BLACKOUT : problems[problem];
        String hash = reporter < 0 ? null : reporterHash(wv.seed, r, reporter);
        Object when = wv.text ? Iso.format(t, wv.textOffset(KIND_TAG, id)) : (Object) t;
        out.add(RowFactory.create(idText(id), when, service, region, problemText, hash, wv.date(t)));
      });
      return out.iterator();
    };
    return spark.range(0, taskCount(w), 1, partitions).flatMap(f, Encoders.row(schema));
  }

  static Dataset<Row> counts(SparkSession spark, Broadcast<SharedWorld> world, int partitions) {
    World w = world.value().get();
    FlatMapFunction<Long, Row> f = task -> {
      World wv = world.value().get();
      int nr = Catalog.REGIONS.length;
      int s = (int) (task % (wv.services.length * nr)) / nr;
      int r = (int) (task % nr);
      long[] acc = new long[4];
      generate(wv, task, (kind, id, t, problem, regionMissing, reporter) -> {
        acc[kind]++;
        if (wv.isDuplicate(KIND_TAG, id, wv.reportDuplicateShare)) {
          acc[3]++;
        }
      });
      if (acc[0] + acc[1] + acc[2] == 0) {
        return Collections.emptyIterator();
      }
      return List.of(RowFactory.create(s, r, acc[0], acc[1], acc[2], acc[3])).iterator();
    };
    return spark.range(0, taskCount(w), 1, partitions).flatMap(f, Encoders.row(COUNTS));
  }
}
