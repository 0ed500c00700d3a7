package coop.steward.collector.command;

import coop.steward.collector.sqlite.SqliteFile;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Every command sent, who sent it and what came of it, in {@code commands.db}. Blocking: call it from a worker. */
public final class CommandLog {
    static final String FILE = "commands.db";
    private final SqliteFile file;

    private CommandLog(SqliteFile file) {
        this.file = file;
    }

    public static CommandLog open(Path dataDir) {
        return new CommandLog(SqliteFile.open(dataDir, FILE, "the command log",
                "CREATE TABLE IF NOT EXISTS command (id TEXT PRIMARY KEY, sent_at INTEGER NOT NULL, "
                        + "site TEXT NOT NULL, device TEXT NOT NULL, actuator TEXT NOT NULL, action TEXT NOT NULL, "
                        + "seconds INTEGER, person TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, state INTEGER, "
                        + "answered_at INTEGER)",
                "CREATE INDEX IF NOT EXISTS command_device ON command (site, device, sent_at)"));
    }

    void save(CommandRecord command) {
        file.query(connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT OR REPLACE INTO command (id, sent_at, "
                    + "site, device, actuator, action, seconds, person, outcome, reason, state, answered_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                upsert.setString(1, command.id());
                upsert.setLong(2, command.sentAt());
                upsert.setString(3, command.site());
                upsert.setString(4, command.device());
                upsert.setString(5, command.actuator());
                upsert.setString(6, command.action());
                setInteger(upsert, 7, command.seconds());
                upsert.setString(8, command.person());
                upsert.setString(9, command.outcome());
                upsert.setString(10, command.reason());
                setInteger(upsert, 11, command.state());
                if (command.answeredAt() == null) {
                    upsert.setNull(12, Types.INTEGER);
                } else {
                    upsert.setLong(12, command.answeredAt());
                }
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /** The latest commands of a site (and a device, when given), newest first. */
    public List<CommandRecord> recent(String site, String device, int limit) {
        return file.query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, sent_at, site, device, actuator, "
                    + "action, seconds, person, outcome, reason, state, answered_at FROM command WHERE site = ? AND "
                    + "(? IS NULL OR device = ?) ORDER BY sent_at DESC LIMIT ?")) {
                select.setString(1, site);
                select.setString(2, device);
                select.setString(3, device);
                select.setInt(4, limit);
                List<CommandRecord> list = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        list.add(new CommandRecord(rows.getString(1), rows.getLong(2), rows.getString(3),
                                rows.getString(4), rows.getString(5), rows.getString(6), integer(rows, 7),
                                rows.getString(8), rows.getString(9), rows.getString(10), integer(rows, 11),
                                rows.getObject(12) == null ? null : rows.getLong(12)));
                    }
                }
                return list;
            }
        });
    }

    private static void setInteger(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static Integer integer(ResultSet rows, int index) throws SQLException {
        int value = rows.getInt(index);
        return rows.wasNull() ? null : value;
    }
}
