package coop.steward.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.steward.agent.sensor.MockPi;
import coop.steward.agent.sensor.Sensor;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquipmentTest {
    @TempDir
    Path storage;
    private final MockPi pi = new MockPi();
    private Equipment equipment;

    @AfterEach
    void stop() {
        equipment.close();
        pi.close();
    }

    @Test
    void eachValve_isAlsoAValveStateSensor_sampledOnEveryChange() {
        equipment = Equipment.open(config(600, 60), pi.board(), Clock.systemUTC());
        List<Sensor> changed = new CopyOnWriteArrayList<>();
        equipment.onStateChange(changed::add);
        Sensor state = equipment.sensors().get(1);

        equipment.actuators().valves().get(0).open(Duration.ofSeconds(60));

        assertThat(equipment.sensors()).extracting(Sensor::id).containsExactly("soil-a", "valve");
        assertThat(changed).containsExactly(state);
        assertThat(state.sample(1)).isEqualTo(new Reading("valve", "valve_state", 1, 1.0, "state"));
    }

    @Test
    void aPushedConfig_mayChangeTheSensors_butNotTheActuators() {
        equipment = Equipment.open(config(600, 60), pi.board(), Clock.systemUTC());

        assertThat(equipment.sensorsFor(config(600, 30)))
                .extracting(Sensor::id).containsExactly("soil-a", "valve");
        assertThatThrownBy(() -> equipment.sensorsFor(config(6000, 60)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a pushed config cannot change the actuators");
    }

    @Test
    void closing_closesTheValves_andStopsPi4j() {
        equipment = Equipment.open(config(600, 60), pi.board(), Clock.systemUTC());
        equipment.actuators().valves().get(0).open(Duration.ofSeconds(60));

        equipment.close();

        assertThat(equipment.actuators().valves().get(0).isOpen()).isFalse();
        assertThatThrownBy(() -> pi.board().output(5, null, null)).hasMessageContaining("the board is closed");
    }

    private DeviceConfig config(int maxOpenSeconds, int soilIntervalSeconds) {
        return DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                storage: {dir: %s}
                sensors:
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: %d, source: {type: simulated}}
                actuators:
                  - {id: valve, gpio: 27, activeHigh: true, maxOpenSeconds: %d, intervalSeconds: 60}
                """.formatted(storage, soilIntervalSeconds, maxOpenSeconds), "bed-1.yaml");
    }
}
