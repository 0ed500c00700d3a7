package coop.steward.collector.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** The embedded store's reader connections, which WAL lets run beside the writer; each read borrows one. */
final class SqliteReaders {
    /** What a read does with the connection it borrowed. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final Path file;
    private final BlockingQueue<Connection> idle;

    SqliteReaders(Path file, List<Connection> connections) {
        this.file = file;
        this.idle = new ArrayBlockingQueue<>(connections.size());
        this.idle.addAll(connections);
    }

    <T> T read(Work<T> work) {
        Connection connection;
        try {
            connection = idle.poll(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a store connection", e);
        }
        if (connection == null) {
            throw new StoreException("the store is busy: no reader connection came free within 30 s", null);
        }
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("reading " + file + " failed: " + e.getMessage(), e);
        } finally {
            idle.add(connection);
        }
    }

    /** The connections not lent out, for closing the store. */
    List<Connection> idle() {
        return List.copyOf(idle);
    }
}
