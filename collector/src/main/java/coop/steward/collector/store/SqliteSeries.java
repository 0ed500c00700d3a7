package coop.steward.collector.store;

import coop.steward.protocol.Kind;
import coop.steward.protocol.Reading;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The writer's view of the series table: each series' row, created or updated as readings name it, and cached by
 * device, so that a message's readings look their device up once and then each its sensor alone (looking each up by
 * site, device and sensor compared three names a reading: a seventh of the writer's time outside SQLite).
 */
final class SqliteSeries {
    /** A series as the writer knows it. */
    record Row(long id, String kind, String unit, long sealedBefore) {
    }

    private record DeviceKey(String site, String device) {
    }

    private final Connection writer;
    /** Touched only by the writer thread. */
    private final Map<DeviceKey, Device> devices = new HashMap<>();

    SqliteSeries(Connection writer) {
        this.writer = writer;
    }

    /** A device's series, for one message's readings: not kept past {@link #forget}. */
    Device device(String site, String device) {
        return devices.computeIfAbsent(new DeviceKey(site, device), k -> new Device(site, device));
    }

    /** One device's series, as the writer knows them. */
    final class Device {
        private final String site;
        private final String device;
        private final Map<String, Row> bySensor = new HashMap<>();

        private Device(String site, String device) {
            this.site = site;
            this.device = device;
        }

        /** The series of a reading as cached, or null when {@link #of} must write it. */
        Row cached(Reading reading) {
            Row row = bySensor.get(reading.sensor());
            return row != null && sameKindAndUnit(row, reading) ? row : null;
        }

        /**
         * The series of a reading as cached, or else as the table has it, without writing: null when {@link #of}
         * must write it (a new series, or a new kind or unit).
         */
        Row stored(Reading reading) throws SQLException {
            Row row = cached(reading);
            if (row != null) {
                return row;
            }
            row = find(writer, key(reading));
            if (row == null || !sameKindAndUnit(row, reading)) {
                return null;
            }
            bySensor.put(reading.sensor(), row);
            return row;
        }

        /** The series of a reading, created or updated so that its kind and unit are those last seen. */
        Row of(Reading reading) throws SQLException {
            Row row = cached(reading);
            if (row != null) {
                return row;
            }
            String storedUnit = storedUnit(reading);
            try (PreparedStatement upsert = writer.prepareStatement("""
                    INSERT INTO series (site, device, sensor, kind, unit) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (site, device, sensor) DO UPDATE SET kind = excluded.kind, unit = excluded.unit
                    RETURNING id, sealed_before
                    """)) {
                upsert.setString(1, site);
                upsert.setString(2, device);
                upsert.setString(3, reading.sensor());
                upsert.setString(4, reading.kind());
                upsert.setString(5, storedUnit);
                try (ResultSet rs = upsert.executeQuery()) {
                    rs.next();
                    row = new Row(rs.getLong(1), reading.kind(), storedUnit, rs.getLong(2));
                }
            }
            bySensor.put(reading.sensor(), row);
            return row;
        }

        private SeriesKey key(Reading reading) {
            return new SeriesKey(site, device, reading.sensor());
        }
    }

    /** A series' row as the table has it, on any connection; null when there is none. */
    static Row find(Connection connection, SeriesKey key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id, kind, unit, sealed_before FROM series WHERE site = ? AND device = ? AND sensor = ?")) {
            select.setString(1, key.site());
            select.setString(2, key.device());
            select.setString(3, key.sensor());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)) : null;
            }
        }
    }

    /** Whether the series' row has the reading's kind and unit: otherwise {@link Device#of} updates it. */
    private static boolean sameKindAndUnit(Row row, Reading reading) {
        return row.kind().equals(reading.kind()) && row.unit().equals(storedUnit(reading));
    }

    private static String storedUnit(Reading reading) {
        String unit = reading.unit() != null ? reading.unit()
                : Kind.lookup(reading.kind()).map(Kind::unit).orElse(null);
        return unit == null ? "" : unit;
    }

    /** After a rollback (which may have undone rows cached here) or a change of the seals: read them afresh. */
    void forget() {
        devices.clear();
    }
}
