package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The background checkpoint reads SQLite's WAL-index only when it knows its layout, and copies the log either way. */
class CheckpointerTest {
    private static final int PAGE = 4096;
    /** A WAL file's header; each frame is a 24-byte header and a page (sqlite.org/fileformat2.html). */
    private static final int WAL_HEADER = 32;

    /** A database in WAL mode whose 40 commits are all still in the log: SQLite's own checkpoint is off. */
    private static Connection logOf40Commits(Path file) throws Exception {
        Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement st = db.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
            st.execute("PRAGMA wal_autocheckpoint=0");
            st.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)");
            for (int i = 0; i < 40; i++) {
                st.execute("INSERT INTO t (v) VALUES (randomblob(3000))");
            }
        }
        return db;
    }

    @TempDir
    Path dir;

    @Test
    void framesNotCopied_readFromTheWalIndex_areThoseInTheLog_andNoneOnceSqliteCopiedThem() throws Exception {
        Path file = dir.resolve("test.db");
        try (Connection db = logOf40Commits(file); Statement st = db.createStatement()) {
            long framesInLog = (Files.size(dir.resolve("test.db-wal")) - WAL_HEADER) / (24 + PAGE);

            assertThat(Checkpointer.pagesNotCopied(Checkpointer.walIndexOf(file)))
                    .as("%d frames in the log", framesInLog).isEqualTo(OptionalLong.of(framesInLog));

            try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                rs.next();
                assertThat(rs.getLong(3)).as("frames SQLite copied").isEqualTo(framesInLog);
            }
            assertThat(Checkpointer.pagesNotCopied(Checkpointer.walIndexOf(file))).isEqualTo(OptionalLong.of(0));
        }
    }

    @Test
    void walIndexOfAnotherVersion_isNotRead_andAStoreWithoutALogHasNothingToCopy() throws Exception {
        Path unknown = dir.resolve("unknown.db-shm");
        ByteBuffer header = ByteBuffer.allocate(32_768).order(ByteOrder.nativeOrder());
        header.putInt(0, Checkpointer.WAL_INDEX_VERSION + 1);
        header.putInt(16, 5_000);
        Files.write(unknown, header.array());

        assertThat(Checkpointer.pagesNotCopied(unknown)).isEmpty();
        assertThat(Checkpointer.pagesNotCopied(dir.resolve("none.db-shm"))).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void withAWalIndexItCannotRead_itStillCopiesTheLog_onATimer() throws Exception {
        Path file = dir.resolve("fallback.db");
        Path unknown = dir.resolve("unknown.db-shm");
        ByteBuffer header = ByteBuffer.allocate(32_768).order(ByteOrder.nativeOrder());
        header.putInt(0, Checkpointer.WAL_INDEX_VERSION + 1);
        Files.write(unknown, header.array());
        try (Connection db = logOf40Commits(file); Statement st = db.createStatement()) {
            long before = Files.size(file);
            try (Checkpointer checkpointer = Checkpointer.start(DriverManager.getConnection("jdbc:sqlite:" + file),
                    file, unknown, 300)) {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(Files.size(file)).as("pages copied into the database file")
                                .isGreaterThan(before + 30 * PAGE));
            }
        }
    }
}
