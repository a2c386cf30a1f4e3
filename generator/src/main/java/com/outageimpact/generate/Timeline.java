package com.outageimpact.generate;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.LocalDate;

/**
 * The scenario's calendar, in epoch seconds (UTC): the generated days, the outage and the analysis
 * window [windowStart, windowEnd), which runs from the root failure to the last recovery plus the
 * recovery hours.
 *
 * @param dataStart midnight UTC of the first generated day
 * @param days number of generated days
 * @param outageDay index of the outage's UTC day
 * @param startDow day of week of day 0 (0 = Monday)
 */
record Timeline(long dataStart, int days, int outageDay, int startDow, long t0, long incidentEnd,
    long windowStart, long windowEnd) implements Serializable {

  static final double GROWTH_PER_DAY = 0.002;

  static Timeline of(ScenarioConfig config, OutageSimulation sim) {
    long t0 = sim.start();
    long windowEnd = sim.end() + Math.round(config.recoveryHours() * 3600);
    LocalDate outageDate = LocalDate.ofEpochDay(Math.floorDiv(t0, 86400L));
    LocalDate first = outageDate.minusDays(7L * config.weeks());
    long lastExclusive = Math.max(outageDate.toEpochDay() + 1 + config.daysAfter(),
        Math.floorDiv(windowEnd - 1, 86400L) + 1); // the window always lies inside the data
    int days = (int) (lastExclusive - first.toEpochDay());
    int outageDay = (int) (outageDate.toEpochDay() - first.toEpochDay());
    int dow = first.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue();
    return new Timeline(first.toEpochDay() * 86400L, days, outageDay, dow, t0, sim.end(), t0, windowEnd);
  }

  long dataEnd() {
    return dataStart + days * 86400L;
  }

  long dayStart(int day) {
    return dataStart + day * 86400L;
  }

  boolean inWindow(long t) {
    return t >= windowStart && t < windowEnd;
  }

  /**
   * Seasonal demand of a sector at UTC hour {@code hour} of day {@code day}, for a business at
   * the given UTC offset: daily shape by local hour x weekend factor x slow growth. Mean about 1.
   */
  double shape(int sector, int offsetMinutes, int day, int hour) {
    int localMinute = hour * 60 + 30 + offsetMinutes;
    int dayShift = Math.floorDiv(localMinute, 1440);
    int localHour = Math.floorMod(localMinute, 1440) / 60;
    int dow = Math.floorMod(startDow + day + dayShift, 7);
    double weekly = dow >= 5 ? Catalog.WEEKEND_FACTOR[sector] : 1.0;
    return Catalog.SECTOR_DAILY[sector][localHour] * weekly * Math.exp(GROWTH_PER_DAY * (day - outageDay));
  }
}
