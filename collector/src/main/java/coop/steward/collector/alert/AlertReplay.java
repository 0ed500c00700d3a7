package coop.steward.collector.alert;

import coop.steward.collector.config.AlertsConfig;
import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a history of readings after the fact, as the rules would have judged it live: the caller hands over the
 * readings in data-time order with the instant they would have reached the collector, and that instant is the
 * rules' and the alert book's clock. Alerts therefore open and resolve at the readings' own times, are detected
 * when the data says, and are not marked late. What it found goes to {@code alerts.db} in {@code dataDir},
 * with what the rules remember, where a collector started on that folder restores it as after any restart.
 *
 * <p>For filling a new data folder (the demo's made-up history): never on a folder a running collector uses. It
 * sends nothing to MQTT, webhooks or the event stream; a collector started afterwards publishes the alerts still
 * open, as it does after every start. Blocking and single-threaded.
 */
public final class AlertReplay implements AutoCloseable {
    /** Alert changes written to {@code alerts.db} in one transaction once this many are waiting. */
    private static final int WRITE_BATCH = 500;

    private final AlertDb db;
    private final AlertEngine engine;
    private final Map<String, Alert> unsaved = new LinkedHashMap<>();
    private long now;
    private int raised;
    private int resolved;

    private AlertReplay(AlertDb db, AlertsConfig config, AlertBook.Restored restored, Map<String, String> states,
                        long start) {
        this.db = db;
        this.now = start;
        List<Rule> rules = Rules.of(config);
        for (Rule rule : rules) {
            String state = states.get(rule.id());
            if (state != null) {
                rule.restoreState(state);
            }
        }
        AlertBook book = new AlertBook(restored, () -> now, config.lateAfter().toMillis(), config.renotify().toMillis(),
                this::changed);
        this.engine = new AlertEngine(rules, book, () -> now);
    }

    /**
     * Opens (creating when needed) {@code alerts.db} in {@code dataDir} with the rules of {@code config}; the
     * history starts at {@code start}, and the collector hears its broker throughout it.
     */
    public static AlertReplay open(AlertsConfig config, Path dataDir, long start) {
        AlertDb db = AlertDb.open(dataDir);
        try {
            AlertReplay replay = new AlertReplay(db, config, db.load(AlertBook.RESOLVED_KEPT), db.ruleStates(), start);
            replay.engine.tick(true);
            return replay;
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw new IllegalStateException("cannot replay alerts into " + dataDir.resolve(AlertDb.FILE) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * The readings of one device as they reach the collector at {@code arrivedAt}: no reading may be newer, and
     * {@code arrivedAt} never goes back from one call to the next.
     */
    public void readings(String site, String device, List<Reading> readings, long arrivedAt) {
        advance(arrivedAt);
        engine.readings(site, device, readings);
    }

    /** The collector's periodic checks (silence, reminders) at {@code at}. */
    public void tick(long at) {
        advance(at);
        engine.tick(true);
    }

    private void advance(long to) {
        if (to < now) {
            throw new IllegalArgumentException("the replay's clock cannot go back, from " + now + " to " + to);
        }
        now = to;
    }

    private void changed(AlertChange change) {
        switch (change.kind()) {
            case RAISED -> raised++;
            case RESOLVED -> resolved++;
            default -> {
            }
        }
        if (change.kind() != AlertChange.Kind.REMINDER) {
            unsaved.put(change.alert().id(), change.alert());
            if (unsaved.size() >= WRITE_BATCH) {
                save();
            }
        }
    }

    private void save() {
        try {
            db.write(new ArrayList<>(unsaved.values()));
            unsaved.clear();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write the replayed alerts to " + AlertDb.FILE + ": "
                    + e.getMessage(), e);
        }
    }

    public int raised() {
        return raised;
    }

    public int resolved() {
        return resolved;
    }

    /** Writes the alerts and what the rules remember, and closes {@code alerts.db}. */
    @Override
    public void close() {
        try {
            save();
            Map<String, String> states = new HashMap<>();
            for (Rule rule : engine.rules()) {
                String state = rule.saveState();
                if (state != null) {
                    states.put(rule.id(), state);
                }
            }
            db.saveRuleStates(states, now);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot save the alert rules' state to " + AlertDb.FILE + ": "
                    + e.getMessage(), e);
        } finally {
            db.close();
        }
    }
}
