package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import coop.steward.config.Calibration;
import coop.steward.config.Conditioning;
import coop.steward.config.SensorConfig;
import coop.steward.config.SourceConfig;
import coop.steward.protocol.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sampling pipeline every source shares, simulated or real. */
class ConditionerTest {
    private final AtomicLong nanos = new AtomicLong();

    @Test
    void withoutConditioning_everySampleIsSentAsItIs() {
        List<Double> sent = run(config("x_level", null, Conditioning.NONE), 1, 1, 1, 5);

        assertThat(sent).containsExactly(1.0, 1.0, 1.0, 5.0);
    }

    @Test
    void aMedianOfThree_removesASingleSpike() {
        List<Double> sent = run(config("x_level", null, new Conditioning(3, null, null, null, null)),
                10, 10, 900, 10, 11, 12);

        assertThat(sent).containsExactly(10.0, 10.0, 10.0, 10.0, 11.0, 11.0);
    }

    @Test
    void theMedian_isOfRawValues_beforeTheCalibration() {
        SensorConfig config = config("soil_moisture", new Calibration.TwoPoint(21000, 9000),
                new Conditioning(3, null, null, null, null));

        List<Double> sent = run(config, 15000, 15000, 0, 14400);

        // The spike to 0 counts (which would read 100 %) never shows; then the median of 15000, 0, 14400 is 14400.
        assertThat(sent).containsExactly(50.0, 50.0, 50.0, 55.0);
    }

    @Test
    void rawValuesOutsideTheirRange_areFaults_andStayOutOfTheMedian() {
        Sensor sensor = new Sensor(config("soil_moisture", new Calibration.TwoPoint(21000, 9000),
                new Conditioning(3, null, null, 3000.0, 26000.0)), values(15000, 32767, 15000, 15000), nanos::get);

        assertThat(sensor.sample(1).value()).isEqualTo(50.0);
        assertThatThrownBy(() -> sensor.sample(2))
                .isInstanceOf(SensorFault.class)
                .hasMessage("sensor s: raw 32767 is outside its good range (rawMin 3000, rawMax 26000): not sent; "
                        + "check the sensor and its wiring");
        assertThat(sensor.sample(3).value()).isEqualTo(50.0);
        assertThat(sensor.sample(4).value()).isEqualTo(50.0);
    }

    @Test
    void aCalibratedValueTheKindCannotHave_isAFault() {
        Sensor sensor = new Sensor(config("soil_moisture", new Calibration.Linear(0.01, 0),
                Conditioning.NONE), values(12000), nanos::get);

        assertThatThrownBy(() -> sensor.sample(1))
                .hasMessage("sensor s: gives 120 %, outside what soil_moisture can be (0..100); check its calibration");
    }

    @Test
    void aSourceThatGivesNaN_isAFault() {
        Sensor sensor = new Sensor(config("x_level", null, Conditioning.NONE), values(Double.NaN), nanos::get);

        assertThatThrownBy(() -> sensor.sample(1)).hasMessage("sensor s: gave NaN, which is not a number");
    }

    @Test
    void withADeadband_onlyChangesLargerThanItAreSent() {
        List<Double> sent = run(config("x_level", null,
                new Conditioning(1, 0.5, Duration.ofMinutes(15), null, null)), 50, 50.3, 50.5, 50.6, 50.2, 49.9);

        assertThat(sent).containsExactly(50.0, null, null, 50.6, null, 49.9);
    }

    @Test
    void withADeadband_aQuietSensorStillReportsAtItsHeartbeat() {
        Sensor sensor = new Sensor(config("x_level", null, new Conditioning(1, 0.5, Duration.ofSeconds(60), null,
                null)), values(7, 7, 7, 7), nanos::get);

        assertThat(sensor.sample(1)).isNotNull();
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(sensor.sample(2)).isNull();
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(sensor.sample(3).value()).isEqualTo(7.0);
        assertThat(sensor.sample(4)).isNull();
    }

    @Test
    void aDeadbandOfZero_sendsEveryChange() {
        List<Double> sent = run(config("x_level", null, new Conditioning(1, 0.0, Duration.ofMinutes(15), null,
                null)), 1, 1, 1.01, 1.01, 0);

        assertThat(sent).containsExactly(1.0, null, 1.01, null, 0.0);
    }

    @Test
    void aReading_carriesTheSensorsIdKindUnitAndTime() {
        Reading reading = new Sensor(config("soil_moisture", new Calibration.TwoPoint(21000, 9000),
                Conditioning.NONE), values(12000), nanos::get).sample(1764000000000L);

        assertThat(reading).isEqualTo(new Reading("s", "soil_moisture", 1764000000000L, 75.0, "%"));
    }

    private List<Double> run(SensorConfig config, double... raws) {
        Sensor sensor = new Sensor(config, values(raws), nanos::get);
        List<Double> sent = new ArrayList<>();
        for (int t = 1; t <= raws.length; t++) {
            Reading reading = sensor.sample(t);
            sent.add(reading == null ? null : Math.round(reading.value() * 1e9) / 1e9);
            nanos.addAndGet(1_000_000_000);
        }
        return sent;
    }

    private static SensorSource values(double... raws) {
        Iterator<Double> next = Arrays.stream(raws).boxed().iterator();
        return t -> next.next();
    }

    private static SensorConfig config(String kind, Calibration calibration, Conditioning conditioning) {
        String unit = kind.equals("soil_moisture") ? "%" : null;
        return new SensorConfig("s", kind, unit, Duration.ofSeconds(1), new SourceConfig("simulated", Map.of()),
                calibration, conditioning);
    }

    @Test
    void theTwoPointCalibration_clampsLikeTheDatasheetOfAProbeWouldNot() {
        // 21000 dry, 9000 wet: 8000 is wetter than wet, so 100 %, not 108 %.
        assertThat(run(config("soil_moisture", new Calibration.TwoPoint(21000, 9000), Conditioning.NONE), 8000)
                .get(0)).isCloseTo(100.0, within(1e-9));
    }
}
