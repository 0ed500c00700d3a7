package coop.steward.collector.config;

import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The collector's configuration file ({@code bin/steward collector --config FILE}), loaded and validated once at
 * start-up: a {@link ConfigException} lists every problem with file, line and field. Without a file the collector
 * runs with {@link #defaults()}: 90 days of raw readings, every shipped alert rule, and every site in the
 * collector's own time zone, and {@link Limits#DEFAULT}, sharing everything with a hub it
 * forwards to. {@code sites} lists the sites whose time zone was given.
 */
public record CollectorConfig(Duration rawRetention, AlertsConfig alerts, List<SiteConfig> sites, Limits limits,
                              Sharing sharing, Neighbours neighbours, Help help) {
    public CollectorConfig {
        sites = List.copyOf(sites);
    }

    /** Neither asking nor offering help ({@link Help#NONE}). */
    public CollectorConfig(Duration rawRetention, AlertsConfig alerts, List<SiteConfig> sites, Limits limits,
                           Sharing sharing, Neighbours neighbours) {
        this(rawRetention, alerts, sites, limits, sharing, neighbours, Help.NONE);
    }

    /** Comparing arrays as {@link Neighbours#DEFAULT}, should the collector serve as a hub. */
    public CollectorConfig(Duration rawRetention, AlertsConfig alerts, List<SiteConfig> sites, Limits limits,
                           Sharing sharing) {
        this(rawRetention, alerts, sites, limits, sharing, Neighbours.DEFAULT);
    }

    /** Sharing everything, should the collector forward to a hub. */
    public CollectorConfig(Duration rawRetention, AlertsConfig alerts, List<SiteConfig> sites, Limits limits) {
        this(rawRetention, alerts, sites, limits, Sharing.DEFAULT);
    }

    public static CollectorConfig defaults() {
        return parse("", "(no --config file)");
    }

    public static CollectorConfig load(Path file) {
        String name = file.toString();
        return parse(read(file, name), name);
    }

    /** @param sourceName where the text came from, named in every {@link ConfigError} */
    public static CollectorConfig parse(String yaml, String sourceName) {
        return new CollectorConfigReader(sourceName).read(yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml);
    }

    private static String read(Path file, String name) {
        if (Files.isDirectory(file)) {
            throw failure(name, "this is a folder, not a file; give the path of the collector's .yaml file");
        }
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw failure(name, "the file does not exist; check the path (a relative path starts from the current "
                    + "folder, " + Path.of("").toAbsolutePath() + ")");
        } catch (MalformedInputException e) {
            throw failure(name, "the file is not UTF-8 text; save it as UTF-8 plain text and try again");
        } catch (IOException e) {
            throw failure(name, "the file cannot be read (" + e.getMessage() + "); check that it exists and that "
                    + "the user running steward may read it");
        }
    }

    private static ConfigException failure(String name, String message) {
        return new ConfigException(List.of(new ConfigError(name, 0, "", message)));
    }
}
