package com.outageimpact.detect;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Where an incident hit, against the regions the data has. */
class FootprintTest {

  private static Footprint footprint(List<String> reported, List<String> failed, List<String> known) {
    return new Footprint(new TreeSet<>(reported), new TreeSet<>(failed), new TreeSet<>(known));
  }

  private static final List<String> EIGHT = List.of("BR", "DE", "FR", "GB", "ID", "IN", "MX", "US");

  @Test
  void oneRegionIsRegional() {
    Footprint f = footprint(List.of("US", "ALL"), List.of(), EIGHT);
    assertEquals("regional", f.scope());
    assertEquals(Set.of("US"), f.regions());
  }

  /** The Americas of eight regions: several, not all. */
  @Test
  void aSubsetOfRegionsIsMultiRegion() {
    Footprint f = footprint(List.of("BR", "MX", "US"), List.of(), EIGHT);
    assertEquals("multi_region", f.scope());
    assertFalse(f.global());
  }

  @Test
  void everyRegionTheDataHasIsGlobal() {
    assertEquals("global", footprint(EIGHT, List.of(), EIGHT).scope());
    // Data from one region only: the outage there hit everything there is.
    assertEquals("global", footprint(List.of("US"), List.of(), List.of("US")).scope());
  }

  /** Reports without a region place nothing: with only those, narrowing the incident would be a guess. */
  @Test
  void unknownRegionsWidenNothingAndNothingPlacedIsGlobal() {
    Footprint f = footprint(List.of("ZZ", "US"), List.of("ZZ"), List.of("ZZ", "US", "DE"));
    assertEquals(Set.of("US"), f.regions());
    assertEquals(Set.of("DE", "US"), f.known());
    assertEquals("regional", f.scope());
    assertEquals("global", footprint(List.of("ALL", "ZZ"), List.of(), EIGHT).scope());
  }

  /**
   * Claims (affected, downtime, credits) need the business's region in the footprint; its money is
   * estimated there and where its region is unknown. Everywhere, for a global incident.
   */
  @Test
  void aBusinessWithoutARegionIsEstimatedButNotClaimed() {
    Dataset<Row> businesses = SparkTestSession.get().createDataset(List.of("US", "DE", "ZZ"), Encoders.STRING())
        .toDF("region");
    Footprint regional = footprint(List.of("US"), List.of(), EIGHT);
    List<Row> rows = businesses.select(col("region"), regional.covers(col("region")),
        regional.estimates(col("region"))).orderBy("region").collectAsList();
    assertEquals("[[DE,false,false], [US,true,true], [ZZ,false,true]]", rows.toString());
    Footprint global = footprint(EIGHT, List.of(), EIGHT);
    assertEquals(3, businesses.filter(global.covers(col("region")).and(global.estimates(col("region")))).count());
  }

  /** Failed transactions add the regions the reports missed; the reports' regions stay. */
  @Test
  void failedTransactionsWidenTheFootprint() {
    Footprint f = footprint(List.of("US"), List.of(), EIGHT).withFailed(List.of("BR", "MX"));
    assertEquals(Set.of("BR", "MX", "US"), f.regions());
    assertEquals("multi_region", f.scope());
    Footprint all = f.withFailed(List.of("DE", "FR", "GB", "ID", "IN"));
    assertTrue(all.global());
    // A region only the businesses name still counts against global.
    assertEquals("multi_region", all.withKnown(List.of("JP")).scope());
  }
}
