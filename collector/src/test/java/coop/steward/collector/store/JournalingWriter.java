package coop.steward.collector.store;

import coop.steward.protocol.Reading;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that writes to an embedded store as fast as it can until it is killed: messages of ten readings, as a
 * site's devices send them (they go to the journal), and every twentieth write one large enough to go straight into
 * the table. Prints {@code committed N} once the write of reading N returns, which is when the collector would
 * acknowledge it. For {@link StoreKillTest}.
 *
 * <p>With {@code two-files}, it writes to an {@link EmbeddedStore} of two files, each write's readings shared by two
 * devices ({@link #devices}), one in each file, so that the two files' writes run at once.
 */
public final class JournalingWriter {
    static final String SITE = "kill";
    static final int LARGE = SqliteReadingStore.DIRECT_AT;

    private JournalingWriter() {
    }

    public static void main(String[] args) {
        boolean twoFiles = args.length > 1 && args[1].equals("two-files");
        Path dir = Path.of(args[0]);
        ReadingStore store = twoFiles ? EmbeddedStore.open(dir) : SqliteReadingStore.open(dir);
        List<String> devices = twoFiles ? devices((EmbeddedStore) store) : List.of("writer");
        long next = 0;
        for (int write = 0; ; write++) {
            // In two files, each file's half of a large write is large enough for its table too.
            int size = write % 20 == 19 ? LARGE * devices.size() : 10;
            List<List<Reading>> readings = new ArrayList<>();
            devices.forEach(d -> readings.add(new ArrayList<>()));
            for (int i = 0; i < size; i++) {
                readings.get((int) (next % devices.size())).add(new Reading("s" + (next / devices.size() % 10),
                        "soil_moisture",
                        StoreKillTest.T0 + next * 1_000, next % 100, null));
                next++;
            }
            List<DeviceReadings> batches = new ArrayList<>();
            for (int d = 0; d < devices.size(); d++) {
                batches.add(new DeviceReadings(SITE, devices.get(d), readings.get(d), 0));
            }
            store.write(batches, List.of());
            System.out.println("committed " + (next - 1));
            System.out.flush();
        }
    }

    /** The first two devices named {@code writer-N} that live in different files of {@code store}. */
    static List<String> devices(EmbeddedStore store) {
        String first = "writer-0";
        for (int n = 1; ; n++) {
            String other = "writer-" + n;
            if (store.shardOf(SITE, other) != store.shardOf(SITE, first)) {
                return List.of(first, other);
            }
        }
    }
}
