package coop.steward.collector.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store's journal: what was appended is read back, and nothing that was not. */
class IngestJournalTest {
    private static final int FIRST_RECORD = 4096;

    @TempDir
    Path dir;

    @Test
    void appendedRecords_areReadBack_inOrder() throws Exception {
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            append(journal, 1, 1_000, 2);
            append(journal, 2, 2_000, 3);
        }

        assertThat(IngestJournal.read(dir)).containsExactly(entry(1, 1_000), entry(1, 1_001), entry(2, 2_000),
                entry(2, 2_001), entry(2, 2_002));
    }

    @Test
    void aRecordTornByAPowerCut_endsWhatIsRead_andWasNeverAcknowledged() throws Exception {
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            append(journal, 1, 1_000, 2);
            append(journal, 2, 2_000, 2);
        }
        // The second record's last bytes never reached the disk.
        long secondRecordEnd = FIRST_RECORD + 2L * (16 + 2 * IngestJournal.BYTES_PER_READING);
        try (FileChannel file = FileChannel.open(dir.resolve(IngestJournal.FILE), StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate(8), secondRecordEnd - 8);
        }

        assertThat(IngestJournal.read(dir)).containsExactly(entry(1, 1_000), entry(1, 1_001));
    }

    @Test
    void afterStartingOver_onlyTheNewGenerationIsRead_evenWhereOldRecordsRemainBehindIt() throws Exception {
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            append(journal, 1, 1_000, 5);
            append(journal, 1, 2_000, 5);
            journal.startOver();
            append(journal, 3, 3_000, 1);
        }

        assertThat(IngestJournal.read(dir)).containsExactly(entry(3, 3_000));
    }

    @Test
    void startingOverBeforeAnyNewRecord_readsTheOldOnesAgain_whichTheStoreAlreadyHas() throws Exception {
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            append(journal, 1, 1_000, 1);
            journal.startOver();
        }

        assertThat(IngestJournal.read(dir)).containsExactly(entry(1, 1_000));
    }

    @Test
    void aNewJournal_isEmpty_hasItsFullSizeFromTheStart_andReplacesTheOld() throws Exception {
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            append(journal, 1, 1_000, 1);
        }
        try (IngestJournal journal = IngestJournal.create(dir, IngestJournal.FILE)) {
            assertThat(IngestJournal.read(dir)).isEmpty();
            assertThat(Files.size(dir.resolve(IngestJournal.FILE))).isEqualTo(IngestJournal.CAPACITY);
            assertThat(journal.fits((IngestJournal.CAPACITY - FIRST_RECORD - 16) / IngestJournal.BYTES_PER_READING))
                    .isTrue();
            assertThat(journal.fits((IngestJournal.CAPACITY - FIRST_RECORD) / IngestJournal.BYTES_PER_READING))
                    .isFalse();
        }
        assertThat(IngestJournal.read(dir.resolve("none"))).isEmpty();
    }

    private static void append(IngestJournal journal, long seriesId, long t0, int n) throws Exception {
        long[] ids = new long[n];
        long[] times = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            ids[i] = seriesId;
            times[i] = t0 + i;
            values[i] = t0 + i + 0.5;
        }
        journal.append(ids, times, values, n);
    }

    private static IngestJournal.Entry entry(long seriesId, long t) {
        return new IngestJournal.Entry(seriesId, t, t + 0.5);
    }
}
