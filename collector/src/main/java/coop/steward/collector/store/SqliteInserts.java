package coop.steward.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Raw readings into the {@code reading} table, within the writer's transaction, keeping the first copy of each
 * identity. Rows go in multi-row statements: far fewer calls into SQLite than one statement per row. A statement
 * that inserted every one of its rows (the usual case) names them from memory; one that met a replay is rolled back
 * and run again with a RETURNING clause that names just the rows that were new.
 */
final class SqliteInserts {
    /** Rows per INSERT statement: 1,500 parameters, well under SQLite's limit of 32,766. */
    private static final int ROWS_PER_INSERT = 500;
    /** Built once: every chunk but a transaction's last is full, and each SQL text is some 5 KB. */
    private static final String INSERT_FULL_CHUNK = buildInsertSql(ROWS_PER_INSERT, false);
    private static final String INSERT_FULL_CHUNK_RETURNING = buildInsertSql(ROWS_PER_INSERT, true);

    /** Told of each row that was new. */
    interface NewRow {
        void added(long seriesId, long t, double value);
    }

    private SqliteInserts() {
    }

    /**
     * Inserts the first {@code n} rows of the arrays, sorting them into key order first, in place: the caller finds
     * them so after (the writer takes a series' last row for its newest). Returns how many were new, each also told
     * to {@code added}.
     */
    static long insert(Connection writer, long[] ids, long[] times, double[] values, int n, NewRow added)
            throws SQLException {
        InsertOrder.sortBySeriesAndTime(ids, times, values, n);
        long inserted = 0;
        Map<String, PreparedStatement> statements = new HashMap<>();
        try {
            for (int start = 0; start < n; start += ROWS_PER_INSERT) {
                int rows = Math.min(ROWS_PER_INSERT, n - start);
                statement(writer, statements, "SAVEPOINT chunk").execute();
                PreparedStatement insert = bind(statement(writer, statements, insertSql(rows, false)), ids, times,
                        values, start, rows);
                if (insert.executeUpdate() == rows) {
                    for (int i = start; i < start + rows; i++) {
                        added.added(ids[i], times[i], values[i]);
                    }
                    inserted += rows;
                } else {
                    statement(writer, statements, "ROLLBACK TO chunk").execute();
                    PreparedStatement returning = bind(statement(writer, statements, insertSql(rows, true)), ids,
                            times, values, start, rows);
                    try (ResultSet rs = returning.executeQuery()) {
                        while (rs.next()) {
                            inserted++;
                            added.added(rs.getLong(1), rs.getLong(2), rs.getDouble(3));
                        }
                    }
                }
                statement(writer, statements, "RELEASE chunk").execute();
            }
        } finally {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
        }
        return inserted;
    }

    private static PreparedStatement statement(Connection writer, Map<String, PreparedStatement> statements,
                                               String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = writer.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    private static PreparedStatement bind(PreparedStatement insert, long[] ids, long[] times, double[] values,
                                          int start, int rows) throws SQLException {
        int p = 1;
        for (int i = start; i < start + rows; i++) {
            insert.setLong(p++, ids[i]);
            insert.setLong(p++, times[i]);
            insert.setDouble(p++, values[i]);
        }
        return insert;
    }

    private static String insertSql(int rows, boolean returning) {
        if (rows == ROWS_PER_INSERT) {
            return returning ? INSERT_FULL_CHUNK_RETURNING : INSERT_FULL_CHUNK;
        }
        return buildInsertSql(rows, returning);
    }

    private static String buildInsertSql(int rows, boolean returning) {
        StringBuilder sql = new StringBuilder("INSERT OR IGNORE INTO reading (series_id, t, value) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?, ?, ?)" : ", (?, ?, ?)");
        }
        return returning ? sql.append(" RETURNING series_id, t, value").toString() : sql.toString();
    }
}
