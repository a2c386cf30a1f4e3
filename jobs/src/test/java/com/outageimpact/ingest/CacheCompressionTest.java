package com.outageimpact.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import com.outageimpact.SparkTestSession;
import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * An input's cache is compressed only when asked (the transactions'), and a setting the user gave
 * explicitly wins. Measured by the memory the cache takes: 50,000 rows of one repeated 40-character
 * string are a few bytes compressed (one dictionary entry, runs) and about 2 MB as they are.
 * Isolated: the memory is the whole Spark context's, which another class's caches would move.
 */
@Isolated
class CacheCompressionTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void onlyTheCacheAskedToBeCompressedIsAndTheUsersSettingWins() {
    long plain = cachedBytes(rows("plain"), false);
    long compressed = cachedBytes(rows("compressed"), true);
    assertTrue(plain > 1_000_000, "uncompressed: " + plain + " bytes");
    assertTrue(compressed * 20 < plain, "compressed: " + compressed + " bytes against " + plain);

    spark.conf().set(TableIngester.CACHE_COMPRESSED, true);
    try {
      long chosenByUser = cachedBytes(rows("the user's"), false);
      assertTrue(chosenByUser * 20 < plain, "the user's setting: " + chosenByUser + " bytes against " + plain);
    } finally {
      spark.conf().unset(TableIngester.CACHE_COMPRESSED);
    }
  }

  /** 50,000 rows of one 40-character string; {@code tag} makes each a plan of its own (its own cache). */
  private Dataset<Row> rows(String tag) {
    return spark.range(50_000).select(concat(lit(tag), lit("x".repeat(40 - tag.length()))).as("text"));
  }

  /** The memory the rows take once cached by {@link TableIngester#cache}, released after. */
  private long cachedBytes(Dataset<Row> rows, boolean compressed) {
    long before = memory();
    Dataset<Row> cached = TableIngester.cache(rows, compressed);
    try {
      cached.count();
      return memory() - before;
    } finally {
      cached.unpersist(true);
    }
  }

  private long memory() {
    return Arrays.stream(spark.sparkContext().getRDDStorageInfo()).mapToLong(RDDInfo::memSize).sum();
  }
}
