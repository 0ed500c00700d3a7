package coop.steward.collector.settings;

import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Sharing;
import coop.steward.collector.site.Sites;
import coop.steward.config.ConfigError;
import coop.steward.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.Objects;

/**
 * The collector config file as admins edit it from the dashboard: checked as at start-up, saved in place of the
 * old (kept beside it as {@code .previous}), and its alert rules, solar arrays and site time zones applied at once.
 * What only a restart changes (retention, limits, webhooks, reminder and lateness times) is said, not hidden.
 * File work runs on a worker; the rules change on the alert engine's own context.
 */
public final class ConfigEditor {
    /** What a save changed: at once, and at the next restart. */
    public record Saved(String version, List<String> now, List<String> atRestart, CollectorConfig config) {
    }

    /** The file's text and its version, which a save must name so that nobody overwrites another's change. */
    public record Current(Path file, String yaml, String version) {
    }

    private final Vertx vertx;
    private final Path file;
    private final CollectorConfig started;
    private final Alerts alerts;
    private final Sites sites;
    private final Consumer<Sharing> sharing;

    /**
     * @param file    the collector's {@code --config} file, or null when it runs on the defaults
     * @param started the config the collector started with
     */
    public ConfigEditor(Vertx vertx, Path file, CollectorConfig started, Alerts alerts, Sites sites) {
        this(vertx, file, started, alerts, sites, null);
    }

    /**
     * @param sharing takes what the site shares with its hub from now on, on a worker; null when it forwards to none
     */
    public ConfigEditor(Vertx vertx, Path file, CollectorConfig started, Alerts alerts, Sites sites,
                        Consumer<Sharing> sharing) {
        this.vertx = vertx;
        this.file = file;
        this.started = started;
        this.alerts = alerts;
        this.sites = sites;
        this.sharing = sharing;
    }

    public boolean editable() {
        return file != null;
    }

    public Future<Current> read() {
        return vertx.executeBlocking(() -> {
            String yaml = file == null ? "" : text(file);
            return new Current(file, yaml, version(yaml));
        }, false);
    }

    /** Every problem the text has, as start-up would list them; empty when it is a valid config. */
    public Future<List<ConfigError>> check(String yaml) {
        return vertx.executeBlocking(() -> {
            try {
                parse(yaml);
                return List.<ConfigError>of();
            } catch (ConfigException e) {
                return e.errors();
            }
        }, false);
    }

    /**
     * Saves the text when it is valid and the file is still at {@code version}, then applies it. Fails with a
     * {@link ConfigException} listing the text's problems (nothing is saved), or with an
     * {@link IllegalStateException} when the file changed since {@code version} or there is no file.
     */
    public Future<Saved> save(String yaml, String version) {
        // Ordered: two admins saving at once are checked against each other's versions, one after the other.
        return vertx.executeBlocking(() -> saveFile(yaml, version), true)
                .compose(saved -> alerts.reconfigure(saved.config().alerts()).map(saved));
    }

    private Saved saveFile(String yaml, String version) {
        if (file == null) {
            throw new IllegalStateException("the collector was started without --config, so there is no file to "
                    + "save to; start it with --config FILE to manage rules and sites here");
        }
        CollectorConfig next = parse(yaml);
        String current = text(file);
        if (!version(current).equals(version)) {
            throw new IllegalStateException("someone changed the settings since you opened them; reload the page "
                    + "to see their change, then make yours again");
        }
        write(yaml);
        List<String> now = new ArrayList<>(List.of("alert rules", "solar arrays", "site time zones"));
        List<String> atRestart = new ArrayList<>();
        if (sharing != null) {
            sharing.accept(next.sharing());
            now.add("sharing with the hub");
        }
        if (!next.rawRetention().equals(started.rawRetention())) {
            atRestart.add("raw retention");
        }
        if (!next.limits().equals(started.limits())) {
            atRestart.add("limits");
        }
        if (!next.help().equals(started.help())) {
            atRestart.add("mutual aid");
        }
        if (!next.alerts().webhooks().equals(started.alerts().webhooks())) {
            atRestart.add("webhooks");
        }
        if (!next.alerts().renotify().equals(started.alerts().renotify())
                || !next.alerts().lateAfter().equals(started.alerts().lateAfter())) {
            atRestart.add("reminder and lateness times");
        }
        sites.replace(next.sites(), next.alerts());
        return new Saved(version(yaml), now, atRestart, next);
    }

    private CollectorConfig parse(String yaml) {
        return CollectorConfig.parse(Objects.requireNonNull(yaml), file == null ? "(settings)" : file.toString());
    }

    /** The new text in place of the old in one rename, written through to the disk first; the old kept beside it. */
    private void write(String yaml) {
        Path temporary = file.resolveSibling(file.getFileName() + ".saving");
        try {
            Files.writeString(temporary, yaml, StandardCharsets.UTF_8);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.copy(file, file.resolveSibling(file.getFileName() + ".previous"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file + " (" + e.getMessage() + "); check that the user "
                    + "running steward may write to its folder", e);
        }
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    static String version(String yaml) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(yaml.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
