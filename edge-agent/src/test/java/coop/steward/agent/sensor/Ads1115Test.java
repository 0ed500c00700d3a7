package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import coop.steward.config.Wiring;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ADS1115 driver against a register-level fake, with the datasheet's (SBAS444) bits and codes. */
class Ads1115Test {
    private final FakeAds1115 chip = new FakeAds1115();
    private final AtomicLong pausedMicros = new AtomicLong();
    private final Ads1115 ads = new Ads1115(chip, pausedMicros::addAndGet, "ADS1115 at 0x48");

    @ParameterizedTest(name = "AIN{0} at +-{1} V: config 0x{2}")
    @CsvSource({
            // OS=1 | MUX=1xx (AINx vs GND) | PGA | MODE=1 (single shot) | DR=100 (128 SPS) | COMP_QUE=11 (off)
            "0, 4.096, C383",
            "1, 2.048, D583",
            "2, 6.144, E183",
            "3, 0.256, FB83",
            "3, 1.024, F783",
            "0, 0.512, C983",
    })
    void aConversionIsStarted_withTheDatasheetsConfigWord(int channel, double fullScale, String config) {
        ads.readCounts(channel, fullScale);

        assertThat(chip.configWrites).containsExactly(Integer.parseInt(config, 16));
    }

    @ParameterizedTest(name = "code 0x{0} at +-{1} V is {2} V")
    @CsvSource({
            // Table 3 of the datasheet: one count is FS / 2^15
            "7FFF, 4.096, 4.095875",
            "0001, 4.096, 0.000125",
            "0000, 4.096, 0",
            "FFFF, 4.096, -0.000125",
            "8000, 4.096, -4.096",
            "4000, 2.048, 1.024",
            "0001, 6.144, 0.0001875",
            "0001, 0.256, 0.0000078125",
            "7FFF, 0.256, 0.2559921875",
    })
    void counts_areVoltsAtTheChosenGain(String code, double fullScale, double volts) {
        int counts = (short) Integer.parseInt(code, 16);

        assertThat(Ads1115.volts(counts, fullScale)).isCloseTo(volts, within(1e-12));
    }

    @Test
    void theConversionRegister_isReadAsSignedTwosComplement() {
        chip.results[2] = 0xFFF0;

        assertThat(ads.readCounts(2, 4.096)).isEqualTo(-16);
    }

    @Test
    void whileTheConversionIsNotReady_theDriverWaits_andThenReadsTheResult() {
        chip.busyReads = 3;
        chip.results[0] = 0x3A98; // 15000

        assertThat(ads.readCounts(0, 4.096)).isEqualTo(15_000);
        // One conversion at 128 SPS (7.8 ms) before the first look, then 1 ms between looks.
        assertThat(pausedMicros.get()).isEqualTo(7_850 + 3 * 1_000);
    }

    @Test
    void aConversionThatNeverBecomesReady_isAFault_notAValue() {
        chip.busyReads = Integer.MAX_VALUE;

        assertThatThrownBy(() -> ads.readCounts(0, 4.096))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("ADS1115 at 0x48: the conversion was not ready after 27 ms");
    }

    @Test
    void aSourceReportsCounts_orVoltsWhenAsked() {
        chip.results[1] = 0x4000;

        assertThat(new Ads1115Source(ads, new Wiring.Ads1115(1, 0x48, 1, 2.048, Wiring.AdcOutput.COUNTS), "x")
                .read(0)).isEqualTo(16_384);
        assertThat(new Ads1115Source(ads, new Wiring.Ads1115(1, 0x48, 1, 2.048, Wiring.AdcOutput.VOLTS), "x")
                .read(0)).isCloseTo(1.024, within(1e-12));
    }

    @ParameterizedTest(name = "code 0x{0}")
    @CsvSource({"7FFF", "8000"})
    void anInputPinnedAtFullScale_isAFault_sinceItsValueIsUnknown(String code) {
        chip.results[0] = Integer.parseInt(code, 16);
        Ads1115Source source = new Ads1115Source(ads, new Wiring.Ads1115(1, 0x48, 0, 4.096,
                Wiring.AdcOutput.COUNTS), "ADS1115 at 0x48");

        assertThatThrownBy(() -> source.read(0))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("channel 0 reads full scale")
                .hasMessageContaining("use a larger fullScaleVolts");
    }
}
