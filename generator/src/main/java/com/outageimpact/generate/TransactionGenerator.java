package com.outageimpact.generate;

import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
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
 * The transaction stream, generated in Spark from small tasks (one business x one UTC day).
 *
 * <p>Counterfactual first: each task draws what would have happened without the outage (hourly
 * Poisson counts from seasonal rates, a level factor per business-day and a Gamma noise factor per
 * stream-hour; lognormal tickets, 2% refunds, 1% declines). Then, from a second seeded stream so
 * the counterfactual never depends on outage settings, a succeeded transaction needing a service
 * that is down (or, with --degraded-loss, degraded) is lost: written as a failed/timeout attempt
 * 60% of the time, and retried successfully after recovery with the sector's rebound probability.
 *
 * <p>The same task code feeds three Spark jobs: the rows to write, the duplicate deliveries, and
 * the per-business truth sums. Each regenerates the rows from the seeds instead of caching them.
 */
final class TransactionGenerator {

  /** Row kinds: what the generator did with a counterfactual transaction. */
  static final int CF = 0;
  static final int LOST_ATTEMPT = 1;
  static final int LOST_SILENT = 2;
  static final int REBOUND = 3;

  static final int SUCCEEDED = 0;
  static final int FAILED = 1;
  static final int TIMEOUT = 2;
  static final int DECLINED = 3;
  static final String[] STATUS = {"succeeded", "failed", "timeout", "declined"};

  static final double REFUND_PROBABILITY = 0.02;
  static final double DECLINE_PROBABILITY = 0.01;
  static final double ATTEMPT_PROBABILITY = 0.6;
  static final double REBOUND_MEAN_SECONDS = 3600;
  /** Coefficient of variation of the per-(business, service, hour) noise factor. */
  static final double NOISE_CV = 0.1;
  static final double NOISE_SHAPE = 1 / (NOISE_CV * NOISE_CV);
  /** Rebound ids use their own sequence range so counterfactual ids never shift. */
  static final long REBOUND_SEQ = 1L << 23;
  /** Day index reserved for ids of bad rows. */
  static final int BAD_ROW_DAY = 4095;
  static final long KIND_TAG = Rng.tag("transactions");

  /** Text rows: the contract columns as text (as CSV and JSON carry them), plus the date partition. */
  static final StructType TEXT_ROWS = Schemas.TRANSACTIONS.textSchema().add("date", DataTypes.StringType);

  /** Parquet rows carry epoch seconds; the writer turns them into a TimestampType column. */
  static final StructType PARQUET_ROWS = new StructType()
      .add("txn_id", DataTypes.StringType)
      .add("business_id", DataTypes.StringType)
      .add("occurred_epoch", DataTypes.LongType)
      .add("amount", Schemas.MONEY)
      .add("currency", DataTypes.StringType)
      .add("status", DataTypes.StringType)
      .add("service", DataTypes.StringType)
      .add("date", DataTypes.StringType);

  /**
   * Per business x day sums for the truth; money in USD, exact (decimal, 6 places). Each value is
   * amount x rate_to_reporting computed in integer micro-dollars: rates have at most 4 decimals,
   * so the product is exact and equals Schemas.toReporting(amount, rate) to the last digit.
   */
  static final StructType PARTIALS = new StructType()
      .add("business_idx", DataTypes.IntegerType)
      .add("counterfactual_value", Schemas.MONEY)
      .add("gross_loss", Schemas.MONEY)
      .add("recovered", Schemas.MONEY)
      .add("actual_value", Schemas.MONEY)
      .add("failed_txns", DataTypes.LongType)
      .add("failed_value", Schemas.MONEY)
      .add("written", DataTypes.LongType)
      .add("duplicates", DataTypes.LongType)
      .add("lost_txns", DataTypes.LongType)
      .add("rebound_txns", DataTypes.LongType);

  /** Receives every generated transaction, written or not. */
  interface Sink {
    void accept(int kind, long id, long t, long amountMinor, int status, int service);
  }

  private TransactionGenerator() {}

  static long id(int business, int day, long seq) {
    return ((long) business << 36) | ((long) day << 24) | seq;
  }

  static String idText(long id) {
    return "t" + Long.toString(id, 36);
  }

  static long taskCount(World w) {
    return (long) w.businesses.length * w.time.days();
  }

  /** Generates task {@code task} (day-major, so a Spark partition covers a few consecutive days). */
  static void generate(World w, long task, Sink sink) {
    int nb = w.businesses.length;
    int day = (int) (task / nb);
    int b = (int) (task % nb);
    Business biz = w.businesses[b];
    SplittableRandom rng = Rng.rng(w.seed, World.TAG_TXN, b, day);
    SplittableRandom outage = Rng.rng(w.seed, World.TAG_OUTAGE, b, day);
    double level = w.level(b, day);
    long dayStart = w.time.dayStart(day);
    boolean regionHit = w.regionAffected[biz.region()];
    double reboundProbability = w.reboundProbability[biz.sector()];
    long seq = 0;
    long reboundSeq = REBOUND_SEQ;
    int streams = biz.services().length + 1;
    for (int st = 0; st < streams; st++) {
      int svc = st < biz.services().length ? biz.services()[st] : -1;
      double share = svc >= 0 ? biz.shares()[st] : biz.unservedShare();
      if (share <= 0) {
        continue;
      }
      for (int h = 0; h < 24; h++) {
        double lambda = w.rate(biz, share, day, h) * level;
        double noise = Rng.gamma(rng, NOISE_SHAPE) / NOISE_SHAPE;
        int n = Rng.poisson(rng, lambda * noise);
        for (int k = 0; k < n; k++) {
          long t = dayStart + h * 3600L + rng.nextInt(3600);
          long minor = biz.amountMinor(rng);
          double u = rng.nextDouble();
          int status = SUCCEEDED;
          if (u < REFUND_PROBABILITY) {
            minor = -minor;
          } else if (u < REFUND_PROBABILITY + DECLINE_PROBABILITY) {
            status = DECLINED;
          }
          long id = id(b, day, seq++);
          int state = svc >= 0 && status == SUCCEEDED && regionHit ? w.stateAt(svc, t) : World.UP;
          boolean lost = state == World.DOWN
              || (state == World.DEGRADED && outage.nextDouble() < w.degradedLoss);
          if (!lost) {
            sink.accept(CF, id, t, minor, status, svc);
            continue;
          }
          boolean attempt = outage.nextDouble() < ATTEMPT_PROBABILITY;
          double failKind = outage.nextDouble();
          boolean rebound = outage.nextDouble() < reboundProbability;
          double delayDraw = outage.nextDouble();
          if (attempt) {
            // Users time out against a dead service; a degraded one mostly fails fast.
            int attemptStatus = state == World.DOWN
                ? (failKind < 0.6 ? TIMEOUT : FAILED)
                : (failKind < 0.3 ? TIMEOUT : FAILED);
            sink.accept(LOST_ATTEMPT, id, t, minor, attemptStatus, svc);
          } else {
            sink.accept(LOST_SILENT, id, t, minor, SUCCEEDED, svc);
          }
          if (rebound) {
            long recovery = w.impactEnd[svc];
            long delay = (long) Rng.truncatedExponential(delayDraw, REBOUND_MEAN_SECONDS,
                w.time.windowEnd() - recovery);
            sink.accept(REBOUND, id(b, day, reboundSeq++), recovery + delay, minor, SUCCEEDED, svc);
          }
        }
      }
    }
  }

  /** The rows to write (all written rows, or only the ones delivered a second time). */
  static Dataset<Row> rows(SparkSession spark, Broadcast<SharedWorld> world, int partitions, boolean duplicatesOnly) {
    World w = world.value().get();
    StructType schema = w.text ? TEXT_ROWS : PARQUET_ROWS;
    FlatMapFunction<Long, Row> f = task -> {
      World wv = world.value().get();
      List<Row> out = new ArrayList<>();
      Business biz = wv.businesses[(int) (task % wv.businesses.length)];
      generate(wv, task, (kind, id, t, minor, status, svc) -> {
        if (kind == LOST_SILENT) {
          return;
        }
        if (duplicatesOnly && !wv.isDuplicate(KIND_TAG, id, wv.txnDuplicateShare)) {
          return;
        }
        String service = svc < 0 ? null : wv.services[svc];
        if (wv.text) {
          out.add(RowFactory.create(idText(id), biz.id(), Iso.format(t, wv.textOffset(KIND_TAG, id)),
              formatMinor(minor, biz.currencyDecimals()), biz.currency(), STATUS[status], service, wv.date(t)));
        } else {
          out.add(RowFactory.create(idText(id), biz.id(), t, BigDecimal.valueOf(minor, biz.currencyDecimals()),
              biz.currency(), STATUS[status], service, wv.date(t)));
        }
      });
      return out.iterator();
    };
    return spark.range(0, taskCount(w), 1, partitions).flatMap(f, Encoders.row(schema));
  }

  /** One row of exact truth sums per business-day task (none for an empty task). */
  static Dataset<Row> partials(SparkSession spark, Broadcast<SharedWorld> world, int partitions) {
    World w = world.value().get();
    FlatMapFunction<Long, Row> f = task -> {
      World wv = world.value().get();
      int b = (int) (task % wv.businesses.length);
      Business biz = wv.businesses[b];
      long[] acc = new long[10]; // cf, gross, recovered, actual, failedN, failedV, written, dups, lost, rebounds
      generate(wv, task, (kind, id, t, minor, status, svc) -> {
        long v = minor * biz.microsPerMinor();
        if (kind != LOST_SILENT) {
          acc[6]++;
          if (wv.isDuplicate(KIND_TAG, id, wv.txnDuplicateShare)) {
            acc[7]++;
          }
        }
        switch (kind) {
          case CF -> {
            if (status == SUCCEEDED && wv.time.inWindow(t)) {
              acc[0] += v;
              acc[3] += v;
            }
          }
          case LOST_ATTEMPT, LOST_SILENT -> {
            acc[0] += v;
            acc[1] += v;
            acc[8]++;
            if (kind == LOST_ATTEMPT) {
              acc[4]++;
              acc[5] += v;
            }
          }
          case REBOUND -> {
            acc[2] += v;
            acc[3] += v;
            acc[9]++;
          }
          default -> throw new IllegalStateException("kind " + kind);
        }
      });
      if (acc[6] == 0 && acc[8] == 0) {
        return Collections.emptyIterator();
      }
      return List.of(RowFactory.create(b, micros(acc[0]), micros(acc[1]), micros(acc[2]), micros(acc[3]),
          acc[4], micros(acc[5]), acc[6], acc[7], acc[8], acc[9])).iterator();
    };
    return spark.range(0, taskCount(w), 1, partitions).flatMap(f, Encoders.row(PARTIALS));
  }

  /** Per business: value lost inside its policy's cover, and the rebounds of exactly those losses (USD). */
  static final StructType COVER_PARTIALS = new StructType()
      .add("business_idx", DataTypes.IntegerType)
      .add("covered_lost", Schemas.MONEY)
      .add("covered_rebound", Schemas.MONEY);

  /**
   * One row per business-day task of an insured business: the exact value lost while its cover
   * ran, and what came back of those very transactions (a rebound follows its lost transaction in
   * the sink, so it is attributed to where that one fell).
   *
   * @param cover per business index, the cover's interval bounds (start0, end0, ...); null: none
   */
  static Dataset<Row> coverPartials(SparkSession spark, Broadcast<SharedWorld> world, Broadcast<long[][]> cover,
      int partitions) {
    World w = world.value().get();
    FlatMapFunction<Long, Row> f = task -> {
      World wv = world.value().get();
      int b = (int) (task % wv.businesses.length);
      long[] bounds = cover.value()[b];
      if (bounds == null || bounds.length == 0) {
        return Collections.emptyIterator();
      }
      Business biz = wv.businesses[b];
      long[] acc = new long[3]; // covered lost, covered rebound, last lost was covered (0/1)
      generate(wv, task, (kind, id, t, minor, status, svc) -> {
        long v = minor * biz.microsPerMinor();
        if (kind == LOST_ATTEMPT || kind == LOST_SILENT) {
          acc[2] = inside(bounds, t) ? 1 : 0;
          acc[0] += acc[2] * v;
        } else if (kind == REBOUND) {
          acc[1] += acc[2] * v;
        }
      });
      return List.of(RowFactory.create(b, micros(acc[0]), micros(acc[1]))).iterator();
    };
    return spark.range(0, taskCount(w), 1, partitions).flatMap(f, Encoders.row(COVER_PARTIALS));
  }

  private static boolean inside(long[] bounds, long t) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (t >= bounds[i] && t < bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  static BigDecimal micros(long micros) {
    return BigDecimal.valueOf(micros, 6);
  }

  /** Minor units as decimal text: 1250 -> "12.50" (2 decimals), 1250 -> "1250" (0 decimals). */
  static String formatMinor(long minor, int decimals) {
    if (decimals == 0) {
      return Long.toString(minor);
    }
    long abs = Math.abs(minor);
    long cents = abs % 100;
    return (minor < 0 ? "-" : "") + (abs / 100) + (cents < 10 ? ".0" : ".") + cents;
  }
}
