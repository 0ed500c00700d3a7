package coop.steward.collector.store;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names people query and what Steward creates on start (docs/deployment.md lists them for Grafana users):
 * <ul>
 * <li>retention policy {@code raw}, the database's default, kept for the configured raw retention: measurement
 * {@code reading}, tags site, device, sensor, kind, unit, one field {@code value};
 * <li>retention policy {@code forever}: {@code reading_1h}, hourly roll-ups with the same tags and fields min, max,
 * sum, count, last, mean, written by the continuous query {@code steward_reading_1h} and, for readings that arrive
 * too late for it, by Steward ({@link InfluxRollups}); {@code device}, presence; {@code steward_state}, Steward's
 * own progress ({@link InfluxState}).
 * </ul>
 * The configured raw retention is the truth: a policy changed by hand is set back at the next start, with a log
 * line. The continuous query is set back too if it differs from Steward's.
 */
final class InfluxSchema {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxSchema.class);
    static final String RAW_RP = "raw";
    static final String FOREVER_RP = "forever";
    static final String READING = "reading";
    static final String ROLLUP = "reading_1h";
    static final String DEVICE = "device";
    static final String STATE = "steward_state";
    /** Marks of late writes for upkeep ({@link InfluxRollups#markLate}). */
    static final String LATE = "steward_late";
    static final String CONTINUOUS_QUERY = "steward_reading_1h";
    /**
     * How far back each run of the continuous query recomputes. It runs at every hour and covers the hours that
     * Steward counts as current ({@link InfluxRollups#LIVE_HOURS}) with an hour to spare, so that a reading written
     * just before a run, with the collector's and InfluxDB's clocks up to an hour apart, is still in a later run.
     */
    static final int CQ_HOURS = 3;
    /** The aggregates of a roll-up, as the continuous query and Steward's own roll-ups compute them. */
    static final String ROLLUP_FIELDS = "min(value) AS \"min\", max(value) AS \"max\", sum(value) AS \"sum\", "
            + "count(value) AS \"count\", last(value) AS \"last\", mean(value) AS \"mean\"";
    private static final Pattern GO_DURATION = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

    private InfluxSchema() {
    }

    /** Makes the database and the {@code forever} policy, which hold Steward's own state; before anything else. */
    static void prepareDatabase(InfluxConnection influx) {
        String database = influx.database();
        boolean exists = false;
        for (InfluxRows rows : influx.query("SHOW DATABASES")) {
            for (int i = 0; i < rows.size(); i++) {
                exists |= database.equals(rows.text(i, "name"));
            }
        }
        if (!exists) {
            influx.query("CREATE DATABASE " + InfluxQl.identifier(database));
        }
        Map<String, Duration> policies = policies(influx);
        Duration forever = policies.get(FOREVER_RP);
        if (forever == null) {
            influx.query("CREATE RETENTION POLICY " + InfluxQl.identifier(FOREVER_RP) + " ON "
                    + InfluxQl.identifier(database) + " DURATION INF REPLICATION 1");
        } else if (!forever.isZero()) {
            throw new StoreException("The retention policy \"" + FOREVER_RP + "\" of database " + database
                    + " keeps data for " + forever + ", but Steward keeps its hourly roll-ups there for ever: make it "
                    + "keep data for ever (ALTER RETENTION POLICY \"" + FOREVER_RP + "\" ON "
                    + InfluxQl.identifier(database) + " DURATION INF)", null);
        }
    }

    /**
     * Makes the {@code raw} policy (the default when Steward makes it) with the configured retention, and the
     * continuous query.
     */
    static void prepareRollups(InfluxConnection influx, Duration rawRetention) {
        String database = InfluxQl.identifier(influx.database());
        String duration = rawRetention.toHours() + "h";
        Duration raw = policies(influx).get(RAW_RP);
        if (raw == null) {
            influx.query("CREATE RETENTION POLICY " + InfluxQl.identifier(RAW_RP) + " ON " + database + " DURATION "
                    + duration + " REPLICATION 1 DEFAULT");
        } else if (!raw.equals(Duration.ofHours(rawRetention.toHours()))) {
            LOG.info("Raw readings in InfluxDB were kept for {}; keeping them for {} as configured (readings older "
                    + "than that are dropped by InfluxDB, their hourly roll-ups stay)", raw, rawRetention);
            influx.query("ALTER RETENTION POLICY " + InfluxQl.identifier(RAW_RP) + " ON " + database + " DURATION "
                    + duration);
        }
        String wanted = continuousQuery(influx.database());
        String existing = null;
        for (InfluxRows rows : influx.query("SHOW CONTINUOUS QUERIES")) {
            if (influx.database().equals(rows.name())) {
                for (int i = 0; i < rows.size(); i++) {
                    if (CONTINUOUS_QUERY.equals(rows.text(i, "name"))) {
                        existing = rows.text(i, "query");
                    }
                }
            }
        }
        if (existing != null && !sameText(existing, wanted)) {
            LOG.info("The continuous query {} differs from Steward's; replacing it", CONTINUOUS_QUERY);
            influx.query("DROP CONTINUOUS QUERY " + InfluxQl.identifier(CONTINUOUS_QUERY) + " ON " + database);
            existing = null;
        }
        if (existing == null) {
            influx.query(wanted);
        }
    }

    /** Steward's continuous query: every hour, the roll-ups of the last {@link #CQ_HOURS} hours, tags kept. */
    static String continuousQuery(String databaseName) {
        String database = InfluxQl.identifier(databaseName);
        return "CREATE CONTINUOUS QUERY " + InfluxQl.identifier(CONTINUOUS_QUERY) + " ON " + database
                + " RESAMPLE EVERY 1h FOR " + CQ_HOURS + "h BEGIN SELECT " + ROLLUP_FIELDS + " INTO " + database + "."
                + InfluxLayout.CURRENT.rollupSource() + " FROM " + database + "." + InfluxLayout.CURRENT.rawSource()
                + " GROUP BY time(1h), * END";
    }

    /** InfluxDB shows a query with its own quoting and spacing. */
    private static boolean sameText(String a, String b) {
        return a.replace("\"", "").replaceAll("\\s+", " ").equals(b.replace("\"", "").replaceAll("\\s+", " "));
    }

    /** Every retention policy of the database and how long it keeps data (zero: for ever). */
    static Map<String, Duration> policies(InfluxConnection influx) {
        Map<String, Duration> policies = new HashMap<>();
        for (InfluxRows rows : influx.query("SHOW RETENTION POLICIES ON " + InfluxQl.identifier(influx.database()))) {
            for (int i = 0; i < rows.size(); i++) {
                policies.put(rows.text(i, "name"), goDuration(rows.text(i, "duration")));
            }
        }
        return policies;
    }

    /** The default retention policy's name. */
    static String defaultPolicy(InfluxConnection influx) {
        for (InfluxRows rows : influx.query("SHOW RETENTION POLICIES ON " + InfluxQl.identifier(influx.database()))) {
            for (int i = 0; i < rows.size(); i++) {
                if ("true".equals(rows.text(i, "default"))) {
                    return rows.text(i, "name");
                }
            }
        }
        return null;
    }

    private static Duration goDuration(String text) {
        Matcher m = GO_DURATION.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new StoreException("InfluxDB showed a retention policy's duration as '" + text + "', which Steward "
                    + "cannot read", null);
        }
        return Duration.ofHours(part(m, 1)).plusMinutes(part(m, 2)).plusSeconds(part(m, 3));
    }

    private static long part(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }
}
