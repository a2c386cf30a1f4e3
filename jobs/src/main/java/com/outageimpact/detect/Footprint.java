package com.outageimpact.detect;

import static org.apache.spark.sql.functions.lit;

import com.outageimpact.schema.Schemas;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.Column;

/**
 * Where an incident hit: the regions where its reports rose (a window of their own) and, in the
 * full run, those where its services' failed transactions stand out, against every region the
 * data knows (the reports', and in the full run the businesses'). Reports and transactions each
 * miss what the other sees (a region whose users report little, a region whose businesses
 * transact little), so either one puts a region in. Reports and businesses without a region
 * ({@value Schemas#UNKNOWN_REGION}) say nothing about where, and widen nothing.
 *
 * @param reported regions with a report window of their own
 * @param failed regions where failed transactions of the incident's services stand out
 * @param known every region the data has
 */
public record Footprint(SortedSet<String> reported, SortedSet<String> failed, SortedSet<String> known) {

  public static final String GLOBAL = "global";
  public static final String MULTI_REGION = "multi_region";
  public static final String REGIONAL = "regional";

  public Footprint {
    reported = placed(reported);
    failed = placed(failed);
    known = placed(known);
    known.addAll(reported);
    known.addAll(failed);
    reported = Collections.unmodifiableSortedSet(reported);
    failed = Collections.unmodifiableSortedSet(failed);
    known = Collections.unmodifiableSortedSet(known);
  }

  /** The regions the incident hit. */
  public SortedSet<String> regions() {
    TreeSet<String> regions = new TreeSet<>(reported);
    regions.addAll(failed);
    return Collections.unmodifiableSortedSet(regions);
  }

  /**
   * Everywhere: every region the data knows was hit, or nothing places the incident at all (only
   * reports without a region rose), where narrowing it would be a guess.
   */
  public boolean global() {
    return regions().isEmpty() || regions().containsAll(known);
  }

  /** {@code global}, {@code regional} (one region, not all) or {@code multi_region} (several, not all). */
  public String scope() {
    if (global()) {
      return GLOBAL;
    }
    return regions().size() == 1 ? REGIONAL : MULTI_REGION;
  }

  /**
   * Whether a business in {@code region} was hit, for the counts, downtime and SLA credits, which
   * claim it: everyone in a global incident, else the footprint's regions. A business whose region
   * is unknown cannot be placed in the footprint, so it is not claimed.
   */
  public Column covers(Column region) {
    return global() ? lit(true) : region.isin(regions().toArray());
  }

  /**
   * Whether a business's transactions are compared with their counterfactual: where it is covered,
   * and where its region is unknown. The estimate measures such a business's loss rather than
   * assuming one, so one hit shows its loss and one not hit shows none.
   */
  public Column estimates(Column region) {
    return global() ? lit(true) : covers(region).or(region.equalTo(Schemas.UNKNOWN_REGION));
  }

  /** The same footprint with more regions where failed transactions stand out. */
  public Footprint withFailed(Collection<String> regions) {
    TreeSet<String> more = new TreeSet<>(failed);
    more.addAll(regions);
    return new Footprint(reported, more, known);
  }

  /** The same footprint knowing more of the data's regions. */
  public Footprint withKnown(Collection<String> regions) {
    TreeSet<String> more = new TreeSet<>(known);
    more.addAll(regions);
    return new Footprint(reported, failed, more);
  }

  /** The region codes that name a place: not the across-regions series, not unknown, not null. */
  static TreeSet<String> placed(Collection<String> regions) {
    TreeSet<String> placed = new TreeSet<>();
    if (regions != null) {
      for (String region : regions) {
        if (region != null && !Schemas.UNKNOWN_REGION.equals(region) && !ReportSeries.ALL_REGIONS.equals(region)) {
          placed.add(region);
        }
      }
    }
    return placed;
  }
}
