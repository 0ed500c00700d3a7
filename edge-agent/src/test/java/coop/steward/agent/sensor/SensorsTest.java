package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.pi4j.io.gpio.digital.DigitalState;
import coop.steward.config.DeviceConfig;
import coop.steward.config.DeviceConfigLoader;
import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sensors built from a config on a mock Pi: the simulator stays, hardware joins it through the same pipeline. */
class SensorsTest {
    @TempDir
    Path storage;
    private final MockPi pi = new MockPi();

    @AfterEach
    void stop() {
        pi.close();
    }

    @Test
    void aSimulatedOnlyDevice_neverStartsPi4j() {
        List<Sensor> sensors = Sensors.from(config("""
                  - {id: soil-a, kind: soil_moisture, intervalSeconds: 60, source: {type: simulated}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: simulated}}
                """), new Drivers(pi.board(), storage));

        assertThat(sensors).extracting(Sensor::id).containsExactly("soil-a", "flow");
        assertThat(sensors.get(0).sample(1_764_000_000_000L).value()).isBetween(0.0, 100.0);
        assertThat(pi.board().started()).isFalse();
    }

    @Test
    void oneFlowMeter_feedsTheRateAndTheTotalSensors() {
        Drivers drivers = new Drivers(pi.board(), storage);
        List<Sensor> sensors = Sensors.from(config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}}
                  - {id: water, kind: water_total, intervalSeconds: 60, source: {type: flow-meter, meter: flow}}
                """), drivers);

        for (int i = 0; i < 900; i++) {
            pi.input(17).mockState(DigitalState.HIGH);
            pi.input(17).mockState(DigitalState.LOW);
        }

        Reading total = sensors.get(1).sample(1);
        assertThat(total.kind()).isEqualTo("water_total");
        assertThat(total.value()).isCloseTo(2.0, within(1e-9));
        assertThat(sensors.get(0).sample(1).value()).isPositive();
        assertThat(storage.resolve("meters/flow.litres")).exists();
    }

    @Test
    void aPushedConfigThatKeepsTheMetersWiring_keepsItCounting_andOneThatDropsAPin_givesItBack() {
        Drivers drivers = new Drivers(pi.board(), storage);
        Sensors.from(config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}}
                  - {id: door, kind: x_door, intervalSeconds: 10, source: {type: gpio-input, gpio: 5, pull: up}}
                """), drivers);
        pi.input(17).mockState(DigitalState.HIGH);
        pi.input(17).mockState(DigitalState.LOW);

        List<Sensor> next = Sensors.from(config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 5, source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}}
                  - {id: water, kind: water_total, intervalSeconds: 60, source: {type: flow-meter, meter: flow}}
                """), drivers);

        assertThat(next.get(1).sample(1).value()).isCloseTo(1 / 450.0, within(1e-12));
        assertThat(pi.has(5)).isFalse();
        assertThat(pi.has(17)).isTrue();
    }

    @Test
    void closingTheDrivers_savesTheMetersTotal() {
        Drivers drivers = new Drivers(pi.board(), storage);
        Sensors.from(config("""
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}}
                """), drivers);
        pi.input(17).mockState(DigitalState.HIGH);

        drivers.close();

        assertThat(MeterTotal.open(storage, "flow").litres()).isCloseTo(1 / 450.0, within(1e-12));
    }

    @Test
    void simulatedSensors_seeTheMishapsOfTheConfigsSimulation() {
        String sensors = """
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: simulated}}
                  - {id: power, kind: solar_power, intervalSeconds: 10, source: {type: simulated}}
                """;
        String mishaps = """
                simulation:
                  leak: {from: 2026-11-10T14:20:00Z, to: 2026-11-10T17:05:00Z, litresPerMinute: 2.4}
                  shade: {since: 2026-10-24T00:00:00Z, fromHour: 10.5, toHour: 13.5, light: 0.35}
                """;
        List<Sensor> plain = Sensors.from(config(sensors), new Drivers(pi.board(), storage));
        List<Sensor> mishap = Sensors.from(DeviceConfigLoader.parse(mishaps + """
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                storage: {dir: %s}
                sensors:
                """.formatted(storage) + sensors, "bed-1.yaml"), new Drivers(pi.board(), storage));
        long leaking = Instant.parse("2026-11-10T15:00:00Z").toEpochMilli();
        long noon = Instant.parse("2026-11-11T12:00:00Z").toEpochMilli();

        assertThat(plain.get(0).sample(leaking).value()).isZero();
        assertThat(mishap.get(0).sample(leaking).value()).isCloseTo(2.4, within(0.1));
        assertThat(mishap.get(1).sample(noon).value()).isLessThan(0.5 * plain.get(1).sample(noon).value());
    }

    private DeviceConfig config(String sensors) {
        return DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                storage: {dir: %s}
                sensors:
                """.formatted(storage) + sensors, "bed-1.yaml");
    }
}
