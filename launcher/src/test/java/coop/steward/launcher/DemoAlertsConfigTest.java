package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.RuleConfig;
import org.junit.jupiter.api.Test;

class DemoAlertsConfigTest {
    @Test
    void demo_runsEveryShippedAlertRule_andKnowsTheSimulatedArraysPeakPower() {
        CollectorConfig config = Demo.collectorConfig();

        assertThat(config.alerts().rules()).extracting(RuleConfig::id)
                .containsExactlyElementsOf(CollectorConfig.defaults().alerts().rules().stream().map(RuleConfig::id)
                        .toList());
        // The same peak power as the simulated array's config (demo/array-1.yaml, simulation.peakPowerW).
        assertThat(config.alerts().arrays()).containsExactly(new ArrayConfig("solar-array", "array-1", "power", 2400));
    }
}
