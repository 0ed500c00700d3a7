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
 */
public final class JournalingWriter {
    static final int LARGE = SqliteReadingStore.DIRECT_AT;

    private JournalingWriter() {
    }

    public static void main(String[] args) {
        SqliteReadingStore store = SqliteReadingStore.open(Path.of(args[0]));
        long next = 0;
        for (int write = 0; ; write++) {
            int size = write % 20 == 19 ? LARGE : 10;
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                readings.add(new Reading("s" + (next % 10), "soil_moisture", StoreKillTest.T0 + next * 1_000,
                        next % 100, null));
                next++;
            }
            store.write(List.of(new DeviceReadings("kill", "writer", readings, 0)), List.of());
            System.out.println("committed " + (next - 1));
            System.out.flush();
        }
    }
}
