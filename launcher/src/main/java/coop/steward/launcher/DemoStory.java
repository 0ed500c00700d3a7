package coop.steward.launcher;

import coop.steward.config.DeviceConfig;
import coop.steward.config.SimulationSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What happened at the demo's sites, dated from the first start of its data folder so that every history holds
 * it: array-2 shaded around noon since forty days before, a leak on bed-2 twenty-three days before. The device
 * configs under /demo name these dates as placeholders; the live agents get the same dates as the history, so
 * their meters continue it.
 *
 * @param firstStart  when the data folder was first started, which is where its history ends
 * @param withHistory false for a data folder from before the history: its bed-2 never leaked, so that its water
 *                    meter goes on from the readings it already has
 */
record DemoStory(Instant firstStart, boolean withHistory) {
    static final Duration HISTORY = Duration.ofDays(60);
    static final Duration SHADED_BEFORE_FIRST_START = Duration.ofDays(40);
    static final Duration LEAK_DAY_BEFORE_FIRST_START = Duration.ofDays(23);
    /** The leak's hours that day, UTC: a quiet afternoon, mended before dusk. */
    static final Duration LEAK_STARTS = Duration.ofHours(14).plusMinutes(20);
    static final Duration LEAK_LASTS = Duration.ofHours(2).plusMinutes(45);

    /** The first reading of the history, on a whole five minutes. */
    Instant historyFrom() {
        long fiveMinutes = Duration.ofMinutes(5).toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(firstStart.minus(HISTORY).toEpochMilli(), fiveMinutes) * fiveMinutes);
    }

    Instant shadeSince() {
        return day().minus(SHADED_BEFORE_FIRST_START);
    }

    Instant leakFrom() {
        return day().minus(LEAK_DAY_BEFORE_FIRST_START).plus(LEAK_STARTS);
    }

    Instant leakTo() {
        return leakFrom().plus(LEAK_LASTS);
    }

    /** A demo device config's text with this story's dates in place of its placeholders. */
    String tell(String yaml) {
        return yaml.replace("${SHADE_SINCE}", shadeSince().toString())
                .replace("${LEAK_FROM}", leakFrom().toString())
                .replace("${LEAK_TO}", leakTo().toString());
    }

    /** The config as this story has it: without the leak when the folder has no history. */
    DeviceConfig tell(DeviceConfig config) {
        SimulationSettings simulation = config.simulation();
        if (withHistory || simulation.leak() == null) {
            return config;
        }
        return new DeviceConfig(config.site(), config.device(), config.mqtt(), config.publish(), config.storageDir(),
                config.maxOutboxReadings(), new SimulationSettings(simulation.seed(), simulation.latitude(),
                simulation.peakPowerW(), simulation.shade(), null), config.sensors(), config.actuators());
    }

    private Instant day() {
        return firstStart.truncatedTo(ChronoUnit.DAYS);
    }
}
