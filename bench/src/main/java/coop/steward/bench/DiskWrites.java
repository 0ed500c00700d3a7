package coop.steward.bench;

import coop.steward.collector.store.DeviceReadings;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Bytes the embedded store writes to disk per stored reading at a small site's pace: 4 devices of 10 sensors,
 * each sending one message a minute. Messages go one at a time, each committed before the next, as at that
 * pace. Counted from this process's I/O counters ({@code write_bytes} in /proc/self/io).
 */
final class DiskWrites {
    static final int DEVICES = 4;
    static final int SENSORS = 10;

    private DiskWrites() {
    }

    static List<List<Reading>> minutes(int minutes, long t0) {
        List<List<Reading>> messages = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            for (int d = 0; d < DEVICES; d++) {
                List<Reading> readings = new ArrayList<>();
                for (int s = 0; s < SENSORS; s++) {
                    readings.add(new Reading("s" + s, "soil_moisture", t0 + m * 60_000L, 20 + (m + s) % 10, "%"));
                }
                messages.add(readings);
            }
        }
        return messages;
    }

    /** Bytes per reading written by the collector, end to end over MQTT. */
    static double collector(CollectorRun collector, String brokerUrl, List<List<Reading>> messages) throws Exception {
        MqttClient client = new MqttClient(brokerUrl, "bench-small-site-" + System.nanoTime(), new MemoryPersistence());
        client.connect();
        long stored = collector.stored();
        long before = writeBytes();
        int readings = 0;
        for (int i = 0; i < messages.size(); i++) {
            String device = "small-" + (i % DEVICES);
            client.publish(Topics.readings(Load.SITE, device),
                    ProtocolJson.encode(ReadingsMessage.of(device, i, messages.get(i))), 1, false);
            readings += messages.get(i).size();
            while (collector.stored() - stored < readings) {
                Thread.sleep(2);
            }
        }
        long written = writeBytes() - before;
        client.disconnect();
        client.close();
        return (double) written / readings;
    }

    /** Bytes per reading written by a bare writer committing the same messages one transaction each. */
    static double bare(Path data, List<List<Reading>> messages) {
        try (SqliteReadingStore store = SqliteReadingStore.open(data)) {
            long before = writeBytes();
            int readings = 0;
            for (int i = 0; i < messages.size(); i++) {
                store.write(List.of(new DeviceReadings(Load.SITE, "small-" + (i % DEVICES), messages.get(i), 0)),
                        List.of());
                readings += messages.get(i).size();
            }
            return (double) (writeBytes() - before) / readings;
        }
    }

    static long writeBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
                if (line.startsWith("write_bytes:")) {
                    return Long.parseLong(line.substring("write_bytes:".length()).trim());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/io: " + e.getMessage(), e);
        }
        throw new IllegalStateException("/proc/self/io has no write_bytes");
    }
}
