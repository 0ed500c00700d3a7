package coop.steward.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hardware sources, conditioning and actuators are read into typed records. */
class HardwareConfigTest {

    @Test
    void everySourceType_isReadIntoItsWiring() {
        DeviceConfig config = parse("""
                sensors:
                  - {id: a, kind: x_a, intervalSeconds: 1, source: {type: ads1115, address: 0x49, channel: 3, fullScaleVolts: 2.048, output: volts}}
                  - {id: b, kind: x_b, intervalSeconds: 1, source: {type: mcp3008, bus: 1, chipSelect: 2, channel: 7}}
                  - {id: flow, kind: flow_rate, intervalSeconds: 1, source: {type: flow-meter, gpio: 17, pulsesPerLitre: 450}}
                  - {id: total, kind: water_total, intervalSeconds: 1, source: {type: flow-meter, meter: flow}}
                  - {id: c, kind: solar_current, intervalSeconds: 1, source: {type: ina226, bus: 3, address: 0x4F, shuntOhms: 0.002, maxCurrentA: 20, quantity: current}}
                  - {id: t, kind: soil_temperature, intervalSeconds: 1, source: {type: ds18b20, device: 28-000005e2fdc3}}
                  - {id: u, kind: air_temperature, intervalSeconds: 1, source: {type: ds18b20, path: /sys/bus/w1/devices/28-0316a2794cff/temperature}}
                  - {id: d, kind: x_d, intervalSeconds: 1, source: {type: gpio-input, gpio: 22, pull: up, activeHigh: false}}
                """);

        assertThat(config.sensors()).extracting(sensor -> sensor.source().wiring()).containsExactly(
                new Wiring.Ads1115(1, 0x49, 3, 2.048, Wiring.AdcOutput.VOLTS),
                new Wiring.Mcp3008(1, 2, 7),
                new Wiring.FlowMeter(17, 450),
                new Wiring.FlowMeterRef("flow"),
                new Wiring.PowerMonitor(Wiring.PowerChip.INA226, 3, 0x4F, 0.002, 20, Wiring.Quantity.CURRENT),
                new Wiring.Ds18b20("28-000005e2fdc3", "w1_slave"),
                new Wiring.Ds18b20("28-0316a2794cff", "temperature"),
                new Wiring.GpioInput(22, Wiring.Pull.UP, false));
        assertThat(((Wiring.Ds18b20) config.sensors().get(5).source().wiring()).path())
                .isEqualTo(Path.of("/sys/bus/w1/devices/28-000005e2fdc3/w1_slave"));
        assertThat(config.usesPi4j()).isTrue();
    }

    @Test
    void leftOutSourceKeys_takeTheDocumentedDefaults() {
        DeviceConfig config = parse("""
                sensors:
                  - {id: a, kind: x_a, intervalSeconds: 1, source: {type: ads1115, address: 72, channel: 0}}
                  - {id: b, kind: x_b, intervalSeconds: 1, source: {type: mcp3008, channel: 0}}
                  - {id: d, kind: x_d, intervalSeconds: 1, source: {type: gpio-input, gpio: 5, pull: off}}
                """);

        assertThat(config.sensors()).extracting(sensor -> sensor.source().wiring()).containsExactly(
                new Wiring.Ads1115(1, 0x48, 0, 4.096, Wiring.AdcOutput.COUNTS),
                new Wiring.Mcp3008(0, 0, 0),
                new Wiring.GpioInput(5, Wiring.Pull.OFF, true));
    }

    @Test
    void addressesInHexWithACapitalX_areReadLikeLowerCase() {
        DeviceConfig config = parse("""
                sensors:
                  - {id: a, kind: x_a, intervalSeconds: 1, source: {type: ads1115, address: 0X4b, channel: 0}}
                """);

        assertThat(((Wiring.Ads1115) config.sensors().get(0).source().wiring()).address()).isEqualTo(0x4B);
    }

    @Test
    void conditioningAndTableCalibration_areRead() {
        SensorConfig sensor = parse("""
                sensors:
                  - id: soil-a
                    kind: soil_moisture
                    intervalSeconds: 60
                    source: {type: ads1115, address: 0x48, channel: 0}
                    calibration:
                      type: table
                      points: [[21000, 0], [15000, 40], [9000, 100]]
                    conditioning: {medianOf: 5, deadband: 0.5, heartbeatSeconds: 900, rawMin: 3000, rawMax: 26000}
                """).sensors().get(0);

        assertThat(sensor.calibration()).isEqualTo(new Calibration.Table(List.of(new Calibration.Point(21000, 0),
                new Calibration.Point(15000, 40), new Calibration.Point(9000, 100))));
        assertThat(sensor.conditioning()).isEqualTo(
                new Conditioning(5, 0.5, Duration.ofSeconds(900), 3000.0, 26000.0));
    }

    @Test
    void aSensorWithoutConditioning_sendsEverySampleAsItIs() {
        SensorConfig sensor = parse("""
                sensors:
                  - {id: a, kind: x_a, intervalSeconds: 1, source: {type: simulated}}
                """).sensors().get(0);

        assertThat(sensor.conditioning()).isEqualTo(Conditioning.NONE);
        assertThat(sensor.conditioning().reportsByException()).isFalse();
    }

    @Test
    void actuators_areRead_andTheirKindIsValveState_andTheDutyCycleTakesItsDefaultsWhenLeftOut() {
        DeviceConfig config = parse("""
                sensors:
                  - {id: flow, kind: flow_rate, intervalSeconds: 10, source: {type: simulated}}
                actuators:
                  - {id: valve, gpio: 27, activeHigh: false, maxOpenSeconds: 1800, intervalSeconds: 60}
                  - {id: pump, kind: valve_state, gpio: 23, activeHigh: true, maxOpenSeconds: 0.5, intervalSeconds: 5,
                     minClosedSeconds: 0, maxOpenSecondsPerDay: 28800}
                """);

        assertThat(config.actuators()).containsExactly(
                new ActuatorConfig("valve", "valve_state", 27, false, Duration.ofSeconds(1800), Duration.ofSeconds(60),
                        Duration.ofSeconds(60), Duration.ofHours(4)),
                new ActuatorConfig("pump", "valve_state", 23, true, Duration.ofMillis(500), Duration.ofSeconds(5),
                        Duration.ZERO, Duration.ofHours(8)));
        assertThat(config.usesPi4j()).isTrue();
    }

    @Test
    void aSimulatedOr1WireOnlyDevice_doesNotNeedPi4j() {
        DeviceConfig config = parse("""
                sensors:
                  - {id: a, kind: soil_moisture, intervalSeconds: 1, source: {type: simulated}}
                  - {id: t, kind: soil_temperature, intervalSeconds: 1, source: {type: ds18b20, device: 28-000005e2fdc3}}
                """);

        assertThat(config.usesPi4j()).isFalse();
        assertThat(config.actuators()).isEmpty();
    }

    private static DeviceConfig parse(String sensorsAndActuators) {
        return DeviceConfigLoader.parse("""
                site: food-forest
                device: bed-1
                mqtt: {url: tcp://localhost:1883}
                """ + sensorsAndActuators, "bed-1.yaml");
    }
}
