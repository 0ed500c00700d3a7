package coop.steward.config;

import coop.steward.protocol.Ids;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the top level of a device config and its settings blocks; {@link SensorReader} reads the sensors,
 * {@link ActuatorReader} the actuators, and {@link WiringCheck} finds parts wired to the same place.
 */
final class DeviceReader {
    /** Upper-case only, so a password pasted here by mistake is caught rather than looked up. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
    /** What a power cut can lose grows with the hold: a minute is already far past any prompt acknowledgement. */
    private static final double MAX_HOLD_SECONDS = 60;

    private final Problems problems;

    DeviceReader(Problems problems) {
        this.problems = problems;
    }

    /** The config, or null when anything was reported. */
    DeviceConfig read(YamlNode root) {
        int mark = problems.count();
        Block top = Block.of(root, "", problems);
        if (top == null) {
            return null;
        }
        top.allowOnly("site", "device", "mqtt", "publish", "storage", "simulation", "sensors", "actuators");
        String site = requiredId(top, "site", "site: food-forest");
        String device = requiredId(top, "device", "device: bed-1");
        if (Ids.ALERTS.equals(device)) {
            top.error("device", "'alerts' cannot be a device id: steward/v1/{site}/alerts/ is where the site's alerts "
                    + "are published; give the device another id, e.g. 'alerts-panel'");
            device = null;
        }
        MqttSettings mqtt = mqtt(top.requiredBlock("mqtt", "mqtt: {url: tcp://localhost:1883}"));
        PublishSettings publish = publish(top.block("publish"));
        Block storage = top.block("storage");
        Path storageDir = storageDir(storage, site, device);
        Long maxOutboxReadings = storage == null ? Long.valueOf(DeviceConfig.DEFAULT_MAX_OUTBOX_READINGS)
                : storage.whole("maxOutboxReadings", Range.between(1_000, 100_000_000),
                        DeviceConfig.DEFAULT_MAX_OUTBOX_READINGS);
        SimulationSettings simulation = simulation(top.block("simulation"), site, device);
        WiringCheck wiring = new WiringCheck(problems);
        SensorReader sensorReader = new SensorReader(problems, wiring);
        List<SensorConfig> sensors = sensorReader.read(top);
        List<ActuatorConfig> actuators = new ActuatorReader(problems, sensorReader, wiring).read(top);
        wiring.finish();
        if (!problems.noneSince(mark)) {
            return null;
        }
        return new DeviceConfig(site, device, mqtt, publish, storageDir, maxOutboxReadings, simulation, sensors,
                actuators);
    }

    static String requiredId(Block block, String key, String example) {
        String id = block.requiredText(key, example);
        if (id != null && !Ids.isValid(id)) {
            String likely = id.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-");
            String hint = Ids.isValid(likely) ? ", e.g. '" + likely + "'" : "";
            block.error(key, "'" + id + "' is not a valid id; use " + Ids.describeRule() + hint);
            return null;
        }
        return id;
    }

    static Duration seconds(double seconds) {
        // At least a nanosecond: the ranges allow any positive number, and zero would mean "never".
        return Duration.ofNanos(Math.max(1, Math.round(seconds * 1e9)));
    }

    private MqttSettings mqtt(Block block) {
        if (block == null) {
            return null;
        }
        block.allowOnly("url", "username", "passwordEnv", "keepAliveSeconds", "tls");
        String url = block.requiredText("url", "url: tcp://localhost:1883");
        if (url != null) {
            MqttUrl.problem(url).ifPresent(message -> block.error("url", message));
        }
        String passwordEnv = block.text("passwordEnv");
        if (passwordEnv != null && !ENV_NAME.matcher(passwordEnv).matches()) {
            // The value is not repeated: it may be the password itself.
            block.error("passwordEnv", "this must be the NAME of an environment variable (capital letters, digits "
                    + "and '_', such as STEWARD_MQTT_PASSWORD) that holds the password on the device; "
                    + "never write the password itself into this file");
        }
        Long keepAlive = block.whole("keepAliveSeconds", Range.between(5, 3600),
                (long) MqttSettings.DEFAULT_KEEP_ALIVE_SECONDS);
        int mark = problems.count();
        TlsFiles tls = tls(block, url);
        String username = block.text("username");
        if (username != null && !MqttSettings.USERNAME.matcher(username).matches()) {
            // Not repeated: it goes into the broker's password and ACL files, where a line break would add rules.
            block.error("username", "a user name is 1 to 128 characters of letters, digits, '.', '_' and '-', "
                    + "starting with a letter or digit (bin/steward identities names devices site.device)");
        }
        return keepAlive == null || !problems.noneSince(mark) ? null
                : new MqttSettings(url, username, passwordEnv, keepAlive.intValue(), tls);
    }

    /** Files are checked when the agent starts, not here: a config is often validated away from its device. */
    private TlsFiles tls(Block mqtt, String url) {
        Block block = mqtt.block("tls");
        if (block == null) {
            return null;
        }
        block.allowOnly("caFile", "certFile", "keyFile");
        if (url != null && !url.startsWith("ssl://")) {
            mqtt.error("tls", "TLS settings need a TLS address: write the url as ssl://host:port (brokers usually "
                    + "take TLS on 8883)");
            return null;
        }
        Path ca = path(block, "caFile");
        Path cert = path(block, "certFile");
        Path key = path(block, "keyFile");
        if ((cert == null) != (key == null)) {
            block.error(cert == null ? "certFile" : "keyFile", "a client certificate goes with its key: give both "
                    + "certFile and keyFile, or neither when the broker asks for no client certificate");
            return null;
        }
        return ca == null && cert == null ? null : new TlsFiles(ca, cert, key);
    }

    private static Path path(Block block, String key) {
        String text = block.text(key);
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            block.error(key, "'" + text + "' is not a usable path on this system (" + e.getReason() + ")");
            return null;
        }
    }

    private PublishSettings publish(Block block) {
        PublishSettings defaults = PublishSettings.DEFAULTS;
        if (block == null) {
            return defaults;
        }
        block.allowOnly("maxBatch", "flushSeconds", "ackTimeoutSeconds", "holdSeconds");
        Long maxBatch = block.whole("maxBatch", Range.between(1, 10_000), (long) defaults.maxBatch());
        Double flush = block.decimal("flushSeconds", Range.aboveZeroUpTo(3600), seconds(defaults.flush()));
        Double ackTimeout = block.decimal("ackTimeoutSeconds", Range.between(1, 3600), seconds(defaults.ackTimeout()));
        Double hold = block.decimal("holdSeconds", Range.between(0, MAX_HOLD_SECONDS), seconds(defaults.hold()));
        if (maxBatch == null || flush == null || ackTimeout == null || hold == null) {
            return null;
        }
        return new PublishSettings(maxBatch.intValue(), seconds(flush), seconds(ackTimeout), seconds(hold));
    }

    /** Relative paths start from the current folder, not the config file's, as every other path on the command line. */
    private Path storageDir(Block block, String site, String device) {
        String dir = block == null ? null : block.allowOnly("dir", "maxOutboxReadings").text("dir");
        if (dir == null) {
            boolean defaulted = block == null || !block.has("dir");
            return defaulted && site != null && device != null
                    ? Path.of("data", "agent", site, device).toAbsolutePath()
                    : null;
        }
        if (dir.startsWith("~")) {
            block.error("dir", "'~' is not expanded here; write the full path, e.g. /home/pi/steward/" + device);
            return null;
        }
        try {
            return Path.of(dir).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            block.error("dir", "'" + dir + "' is not a usable path on this system (" + e.getReason() + ")");
            return null;
        }
    }

    private SimulationSettings simulation(Block block, String site, String device) {
        long defaultSeed = site == null || device == null ? 0 : SimulationSettings.defaultSeed(site, device);
        if (block == null) {
            return new SimulationSettings(defaultSeed, SimulationSettings.DEFAULT_LATITUDE,
                    SimulationSettings.DEFAULT_PEAK_POWER_W);
        }
        block.allowOnly("seed", "latitude", "peakPowerW", "shade", "leak");
        Long seed = block.whole("seed", Range.anyFinite(), defaultSeed);
        Double latitude = block.decimal("latitude", Range.between(-90, 90), SimulationSettings.DEFAULT_LATITUDE);
        Double peakPower = block.decimal("peakPowerW", Range.aboveZero(), SimulationSettings.DEFAULT_PEAK_POWER_W);
        int mark = problems.count();
        SimulationSettings.Shade shade = shade(block.block("shade"));
        SimulationSettings.Leak leak = leak(block.block("leak"));
        if (seed == null || latitude == null || peakPower == null || !problems.noneSince(mark)) {
            return null;
        }
        return new SimulationSettings(seed, latitude, peakPower, shade, leak);
    }

    /** Null when absent or wrong (reported). */
    private static SimulationSettings.Shade shade(Block block) {
        if (block == null) {
            return null;
        }
        block.allowOnly("since", "fromHour", "toHour", "light");
        Instant since = block.requiredInstant("since", "since: 2026-10-24T00:00:00Z");
        Double from = block.requiredDecimal("fromHour", Range.between(0, 24), "fromHour: 10.5");
        Double to = block.requiredDecimal("toHour", Range.between(0, 24), "toHour: 13.5");
        Double light = block.requiredDecimal("light", Range.between(0, 0.99), "light: 0.35");
        if (from != null && to != null && to - from < 2 / 3.0) {
            block.error("toHour", "the shade must last at least 40 minutes after fromHour (" + Range.format(from)
                    + "), so that its shadow can move in and out; was " + Range.format(to));
            return null;
        }
        return since == null || from == null || to == null || light == null ? null
                : new SimulationSettings.Shade(since, from, to, light);
    }

    private static SimulationSettings.Leak leak(Block block) {
        if (block == null) {
            return null;
        }
        block.allowOnly("from", "to", "litresPerMinute");
        Instant from = block.requiredInstant("from", "from: 2026-11-10T14:20:00Z");
        Instant to = block.requiredInstant("to", "to: 2026-11-10T17:05:00Z");
        Double litres = block.requiredDecimal("litresPerMinute", Range.aboveZeroUpTo(100), "litresPerMinute: 2.4");
        if (from != null && to != null && !to.isAfter(from)) {
            block.error("to", "the leak must end after it starts (" + from + "); was " + to);
            return null;
        }
        return from == null || to == null || litres == null ? null : new SimulationSettings.Leak(from, to, litres);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
