package coop.steward.bench;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.ReadingStore;
import java.util.ArrayList;
import java.util.List;

/** The store's own rate: a bare batch writer, same schema, no MQTT, {@code batchSize} readings a transaction. */
final class StoreWriter {
    private StoreWriter() {
    }

    static Timed rate(ReadingStore store, Load load, int batchSize) {
        List<List<DeviceReadings>> transactions = transactions(load, batchSize);
        Timed.Clock clock = Timed.start();
        for (List<DeviceReadings> transaction : transactions) {
            store.write(transaction, List.of());
        }
        return clock.stop(load.readings());
    }

    /** The load's messages, with the same identities as over MQTT, grouped into transactions of about {@code batchSize}. */
    static List<List<DeviceReadings>> transactions(Load load, int batchSize) {
        List<List<DeviceReadings>> transactions = new ArrayList<>();
        List<DeviceReadings> current = new ArrayList<>();
        int size = 0;
        for (int p = 0; p < load.publishers(); p++) {
            for (int m = 0; m < load.messagesOf(p); m++) {
                DeviceReadings message = new DeviceReadings(Load.SITE, Load.device(p), load.readings(m), 0);
                current.add(message);
                size += message.readings().size();
                if (size >= batchSize) {
                    transactions.add(current);
                    current = new ArrayList<>();
                    size = 0;
                }
            }
        }
        if (!current.isEmpty()) {
            transactions.add(current);
        }
        return transactions;
    }
}
