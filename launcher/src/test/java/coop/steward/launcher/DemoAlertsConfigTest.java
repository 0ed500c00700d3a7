package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import coop.steward.collector.config.ArrayConfig;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.RuleConfig;
import coop.steward.config.DeviceConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoAlertsConfigTest {
    @Test
    void demo_runsEveryShippedAlertRule_andKnowsTheSimulatedArraysPeakPower() {
        CollectorConfig config = Demo.collectorConfig();

        assertThat(config.alerts().rules()).extracting(RuleConfig::id)
                .containsExactlyElementsOf(CollectorConfig.defaults().alerts().rules().stream().map(RuleConfig::id)
                        .toList());
        // The same peak power as each simulated array's config (demo/array-N.yaml, simulation.peakPowerW).
        DemoStory story = new DemoStory(Instant.now(), true);
        List<ArrayConfig> arrays = new ArrayList<>();
        for (String device : Demo.DEVICES) {
            DeviceConfig array = Demo.config(device, "tcp://127.0.0.1:1", Path.of("unused"), story);
            if (array.sensors().stream().anyMatch(s -> s.kind().equals("solar_power"))) {
                arrays.add(new ArrayConfig(array.site(), device, "power", array.simulation().peakPowerW()));
            }
        }
        assertThat(arrays).hasSize(2);
        assertThat(config.alerts().arrays()).containsExactlyElementsOf(arrays);
    }
}
