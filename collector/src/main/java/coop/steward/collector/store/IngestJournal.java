package coop.steward.collector.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * {@code readings.journal}: where the embedded store makes a small write of new readings durable before it is
 * acknowledged, instead of in {@code readings.db}. A message of ten readings of ten series would change ten pages
 * of the series-ordered table (and their roll-ups), each a 4 KiB frame in SQLite's log; here it is one record of
 * 256 bytes appended to a file and synced with {@code fdatasync}: one page of the disk. The readings move into the
 * table later, thousands at a time ({@link SqliteReadingStore}).
 *
 * <p>The file has a fixed size, written whole when it is made, so that an append changes no file size and its sync
 * writes no metadata. Its first 4 KiB name it; records follow: length, CRC-32C, generation, then each reading's
 * series id, time and value. Once the readings are in the table the journal starts over from its first record with
 * the next generation, without writing anything: a record of an earlier generation, or one whose CRC does not match
 * (torn by a power cut during its write, so never acknowledged), ends what is read back. Should the journal be read
 * before any record of the new generation was written, the old records are read, and moving them into the table
 * again changes nothing. Touched only by the store's writer.
 *
 * <p>A store keeps two, {@value #FILE} and {@value #SECOND}: new readings go to one while those of the other move
 * into the table beside them, so that no write waits for a move.
 */
final class IngestJournal implements AutoCloseable {
    static final String FILE = "readings.journal";
    static final String SECOND = "readings-2.journal";
    static final List<String> FILES = List.of(FILE, SECOND);
    /** Room for 170,000 readings or more; the store moves them into the table at 40,000. */
    static final int CAPACITY = 4 << 20;
    static final int BYTES_PER_READING = 24;
    private static final int FIRST_RECORD = 4096;
    private static final int RECORD_HEADER = 16;
    private static final int BLOCK = 4096;
    private static final String LABEL = "Steward's ingest journal, version 1: readings acknowledged to their senders "
            + "and not yet moved into readings.db. The store reads it when it opens; do not delete it.\n";

    /** One reading as the journal keeps it. */
    record Entry(long seriesId, long t, double value) {
    }

    private final Path file;
    private final FileChannel channel;
    private long generation;
    private int tail = FIRST_RECORD;

    private IngestJournal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
        this.generation = 1;
    }

    /** The readings the journals in {@code dir} hold: acknowledged, and perhaps not in the table yet. */
    static List<Entry> read(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String name : FILES) {
            read(dir.resolve(name), entries);
        }
        return entries;
    }

    private static void read(Path file, List<Entry> entries) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return;
        }
        ByteBuffer journal = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long generation = -1;
        int at = FIRST_RECORD;
        while (at + RECORD_HEADER <= bytes.length) {
            int length = journal.getInt(at);
            long recordGeneration = journal.getLong(at + 8);
            if (length <= 0 || length % BYTES_PER_READING != 0 || length > bytes.length - at - RECORD_HEADER
                    || generation != -1 && recordGeneration != generation
                    || journal.getInt(at + 4) != crc(bytes, at + 8, 8 + length)) {
                break;
            }
            generation = recordGeneration;
            for (int p = at + RECORD_HEADER; p < at + RECORD_HEADER + length; p += BYTES_PER_READING) {
                entries.add(new Entry(journal.getLong(p), journal.getLong(p + 8), journal.getDouble(p + 16)));
            }
            at += RECORD_HEADER + length;
        }
    }

    /**
     * Makes a new, empty journal {@code name} in {@code dir} in place of the old one, whose readings must be in the
     * table: written whole under another name, synced, then renamed over it.
     */
    static IngestJournal create(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        Path fresh = dir.resolve(name + ".new");
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, ByteBuffer.allocate(BLOCK).put(LABEL.getBytes(StandardCharsets.US_ASCII)).clear(), 0);
            // Block by block: a page cache filled by one large write would count a whole large folio as written
            // at every later append, on kernels that cache files in large folios.
            byte[] zeros = new byte[BLOCK];
            for (int at = BLOCK; at < CAPACITY; at += BLOCK) {
                writeFully(out, ByteBuffer.wrap(zeros), at);
            }
            out.force(true);
        }
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename is still atomic.
        }
        return new IngestJournal(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /** Whether a record of this many readings fits after those written since the journal started over. */
    boolean fits(int readings) {
        return tail + RECORD_HEADER + (long) readings * BYTES_PER_READING <= CAPACITY;
    }

    /** Appends the first {@code n} rows as one record; they are durable when this returns. */
    void append(long[] ids, long[] times, double[] values, int n) throws IOException {
        if (!fits(n)) {
            throw new IllegalStateException(n + " readings do not fit in the journal " + file);
        }
        int length = n * BYTES_PER_READING;
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + length).order(ByteOrder.LITTLE_ENDIAN);
        record.putInt(0, length);
        record.putLong(8, generation);
        for (int i = 0; i < n; i++) {
            int p = RECORD_HEADER + i * BYTES_PER_READING;
            record.putLong(p, ids[i]);
            record.putLong(p + 8, times[i]);
            record.putDouble(p + 16, values[i]);
        }
        record.putInt(4, crc(record.array(), 8, 8 + length));
        try {
            writeFully(channel, record, tail);
            channel.force(false);
        } catch (IOException e) {
            // Not acknowledged: should the record have reached the disk whole, a crash would have it read back
            // and stored, outside the roll-ups. Its length is cleared, if the disk lets us.
            try {
                writeFully(channel, ByteBuffer.allocate(RECORD_HEADER), tail);
                channel.force(false);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        tail += record.capacity();
    }

    /** Its readings are in the table: the journal starts over, with the next generation. */
    void startOver() {
        generation++;
        tail = FIRST_RECORD;
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes, long at) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes, at + bytes.position());
        }
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
