package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.outageimpact.RunJob;
import com.outageimpact.impact.ImpactParams;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The spans around an incident, from the one place that derives them. */
class AnalysisWindowTest {

  private static final Instant START = Instant.parse("2021-10-04T15:40:00Z");
  private static final Instant END = Instant.parse("2021-10-04T21:10:00Z");

  @Test
  void theSpansFollowFromTheDetectedStartAndEndAndTheSettings() {
    AnalysisWindow w = new AnalysisWindow(START, END, Duration.ofHours(6), Duration.ofHours(24));
    assertEquals(Instant.parse("2021-10-04T15:10:00Z"), w.start(), "30 minutes before the detected start");
    assertEquals(Instant.parse("2021-10-05T03:10:00Z"), w.end(), "the recovery hours after the detected end");
    assertEquals(12.0, w.hours(), 1e-12);
    assertEquals(Instant.parse("2021-10-03T15:10:00Z"), w.levelStart(), "the level hours before the window");
    assertEquals(Instant.parse("2021-10-04T14:40:00Z"), w.timelineStart());
    assertEquals(w.end(), w.timelineEnd(), "the analysis window outlasts the reports' 3 hours");
    assertEquals(Instant.parse("2021-09-05T15:10:00Z"), w.transactionsFrom(4), "four weeks before the level window");
  }

  @Test
  void aShortRecoveryLeavesTheTimelineTheReportsThreeHoursAndAShortLevelItsHour() {
    AnalysisWindow w = new AnalysisWindow(START, END, Duration.ofHours(1), Duration.ofMinutes(10));
    assertEquals(END.plus(Duration.ofHours(3)), w.timelineEnd());
    assertEquals(START.minus(Duration.ofHours(1)).minus(Duration.ofDays(7)), w.transactionsFrom(1),
        "the timeline starts before the level window here");
    AnalysisWindow reportsOnly = new AnalysisWindow(START, END, Duration.ZERO, Duration.ZERO);
    assertEquals(START.minus(Duration.ofHours(1)), reportsOnly.timelineStart());
    assertEquals(END.plus(Duration.ofHours(3)), reportsOnly.timelineEnd(), "detection alone: the reports' drain");
  }

  @Test
  void impactOptionsAreCheckedOnce() {
    ImpactParams defaults = ImpactParams.from(RunJob.options().parse(new String[] {}));
    assertEquals(Duration.ofHours(6), defaults.recovery());
    assertEquals(Duration.ofHours(24), defaults.level());
    assertEquals(7, defaults.durationHours().length);
    assertThrows(IllegalArgumentException.class,
        () -> ImpactParams.from(RunJob.options().parse(new String[] {"--recovery-hours", "0"})));
    assertThrows(IllegalArgumentException.class,
        () -> ImpactParams.from(RunJob.options().parse(new String[] {"--level-hours", "200"})));
    assertThrows(IllegalArgumentException.class,
        () -> ImpactParams.from(RunJob.options().parse(new String[] {"--duration-hours", "1,x"})));
  }
}
