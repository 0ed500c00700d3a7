package coop.steward.collector.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One of the collector's small SQLite files beside the readings (people, commands, pending notices): a connection
 * per piece of work, so that {@code bin/steward} commands may write the same file while the collector runs, and
 * waits of up to five seconds while another writes. Blocking: call it from a worker, never an event loop.
 */
public final class SqliteFile {
    private final String url;
    private final String what;

    /** A piece of work on an open connection. */
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private SqliteFile(Path file, String what) {
        this.url = "jdbc:sqlite:" + file;
        this.what = what;
    }

    /**
     * Opens (or creates) {@code fileName} in the data folder in WAL mode and runs the schema's statements, each
     * {@code CREATE ... IF NOT EXISTS}, in one transaction.
     *
     * @param what what the file holds, as error messages name it: "the command log"
     */
    public static SqliteFile open(Path dataDir, String fileName, String what, String... schema) {
        try {
            // With InfluxDB holding the readings, nothing else may have made the data folder yet.
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make the data folder " + dataDir + " (" + e.getMessage() + ")", e);
        }
        SqliteFile file = new SqliteFile(dataDir.resolve(fileName), what);
        file.query(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA journal_mode=WAL");
            }
            return null;
        });
        file.update(connection -> {
            try (Statement statement = connection.createStatement()) {
                for (String sql : schema) {
                    statement.execute(sql);
                }
            }
            return null;
        });
        return file;
    }

    /** Runs the work on its own connection, each statement committed as it runs. */
    public <T> T query(Work<T> work) {
        try (Connection connection = DriverManager.getConnection(url)) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout=5000");
            }
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(what + " (" + url + ") failed: " + e.getMessage(), e);
        }
    }

    /** Runs the work in one transaction: all of it is kept, or none. */
    public <T> T update(Work<T> work) {
        return query(connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        });
    }
}
