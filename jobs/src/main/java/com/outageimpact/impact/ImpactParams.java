package com.outageimpact.impact;

import com.outageimpact.common.JobOptions;
import com.outageimpact.detect.AnalysisWindow;
import com.outageimpact.detect.DetectedIncident;
import java.time.Duration;

/**
 * The knobs of the impact estimate, declared and validated once.
 *
 * @param recoveryHours after the detected end, in which demand above expectation counts as recovered
 * @param levelHours before the analysis window, the hours that set each business's level
 * @param durationHours the outage durations of duration_scenarios (null: none)
 */
public record ImpactParams(double recoveryHours, double levelHours, double[] durationHours) {

  /** The longest recovery and level spans accepted: beyond a week they would overlap the baseline week. */
  static final double MAX_HOURS = 7 * 24;

  public static JobOptions declare(JobOptions options) {
    return options
        .option("recovery-hours", "6", "hours after the detected end in which demand above expectation counts as recovered")
        .option("duration-hours", "1,2,4,8,12,24,48",
            "outage durations (hours) for duration_scenarios: the net loss had the outage lasted each")
        .option("level-hours", "24", "hours before the analysis window that set each business's level (busy day, growth)");
  }

  public static ImpactParams from(JobOptions options) {
    ImpactParams params = new ImpactParams(options.getDouble("recovery-hours"), options.getDouble("level-hours"),
        DurationScenarios.parse(options.require("duration-hours")));
    if (!(params.recoveryHours > 0 && params.recoveryHours <= MAX_HOURS
        && params.levelHours > 0 && params.levelHours <= MAX_HOURS)) {
      throw new IllegalArgumentException("need 0 < --recovery-hours <= " + (int) MAX_HOURS + " and 0 < --level-hours <= "
          + (int) MAX_HOURS);
    }
    return params;
  }

  public Duration recovery() {
    return Duration.ofSeconds(Math.round(recoveryHours * 3600));
  }

  public Duration level() {
    return Duration.ofSeconds(Math.round(levelHours * 3600));
  }

  /** The spans an incident's estimate reads. */
  public AnalysisWindow window(DetectedIncident incident) {
    return AnalysisWindow.of(incident, recovery(), level());
  }
}
