package coop.steward.bench;

import coop.steward.collector.store.EmbeddedStore;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import coop.steward.protocol.WireJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A small site, the collector's target: 4 devices of 10 soil sensors, each device sending one message of its 10
 * readings a minute and, as Steward's agents do, a retained status a minute; each at its own second of the minute.
 */
final class SmallSite implements AutoCloseable {
    static final int DEVICES = 4;
    static final int SENSORS = 10;
    static final long MINUTE = 60_000;
    private static final String SITE = "small-site";

    private final MqttClient client;
    private final long[] offsetMs = new long[DEVICES];
    private final long[] seq = new long[DEVICES];
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();

    private SmallSite(MqttClient client, long seed) {
        this.client = client;
        Random random = new Random(seed);
        for (int d = 0; d < DEVICES; d++) {
            offsetMs[d] = random.nextInt((int) MINUTE);
        }
    }

    static SmallSite connect(String brokerUrl, long seed) throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, "small-site-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        // Each publish waits for its PUBACK, but Paho counts one in flight until its own thread has handled the
        // PUBACK, which on a busy machine can lag behind the next publishes: 10, its default, was once too few.
        options.setMaxInflight(1_000);
        client.connect(options);
        return new SmallSite(client, seed);
    }

    static int messagesPerDay() {
        return DEVICES * 1_440;
    }

    /**
     * How many times in {@code days} a new collector's store moves its journal into its table: each of its files
     * once every {@link SqliteReadingStore#MOVE_AT} readings of its own devices.
     */
    static int movesIn(int days) {
        int[] readings = new int[EmbeddedStore.NEW_FOLDER_STORES];
        for (int d = 0; d < DEVICES; d++) {
            readings[EmbeddedStore.shardOf(SITE, name(d), EmbeddedStore.NEW_FOLDER_STORES)] += days * 1_440 * SENSORS;
        }
        return Arrays.stream(readings).map(r -> r / SqliteReadingStore.MOVE_AT).sum();
    }

    /** How many times a day, on average over a long run, the store moves its journal. */
    static double movesADay() {
        return (double) messagesPerDay() * SENSORS / SqliteReadingStore.MOVE_AT;
    }

    private static String name(int device) {
        return "bed-" + device;
    }

    /** Sends each device's message at its second of every minute, from now on, until closed. */
    void atRealPace() {
        long now = System.currentTimeMillis();
        for (int d = 0; d < DEVICES; d++) {
            int device = d;
            long first = Math.floorMod(offsetMs[d] - now, MINUTE);
            clock.scheduleAtFixedRate(() -> send(device, System.currentTimeMillis()), first, MINUTE,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends {@code minutes} of the site's messages taken from {@code from} on, as fast as the collector stores them:
     * each once the one before is stored, as at the real pace, where a message is stored long before the next.
     * Tells {@code sent} the number of messages sent so far after each.
     */
    void accelerated(CollectorProcess collector, long from, int minutes, IntConsumer sent)
            throws Exception {
        long stored = collector.stored();
        int messages = 0;
        for (int minute = 0; minute < minutes; minute++) {
            for (int d : byOffset()) {
                send(d, from + minute * MINUTE + offsetMs[d]);
                stored += SENSORS;
                while (collector.stored() < stored) {
                    Thread.sleep(1);
                }
                sent.accept(++messages);
            }
        }
    }

    /** Sends {@code minutes} of the site's messages taken from {@code from} on, without waiting for any to be stored. */
    void burst(long from, int minutes) {
        for (int minute = 0; minute < minutes; minute++) {
            for (int d : byOffset()) {
                send(d, from + minute * MINUTE + offsetMs[d]);
            }
        }
    }

    private List<Integer> byOffset() {
        List<Integer> devices = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            devices.add(d);
        }
        devices.sort((a, b) -> Long.compare(offsetMs[a], offsetMs[b]));
        return devices;
    }

    private void send(int device, long t) {
        List<Reading> readings = new ArrayList<>();
        for (int s = 0; s < SENSORS; s++) {
            readings.add(new Reading("soil-" + s, "soil_moisture", t, 20 + (t / MINUTE + s) % 10, "%"));
        }
        String name = name(device);
        try {
            client.publish(Topics.readings(SITE, name),
                    ProtocolJson.encode(ReadingsMessage.of(name, seq[device]++, readings)), 1, false);
            client.publish(Topics.status(SITE, name), WireJson.encode(StatusMessage.online(t, "bench", 0, 60)), 1,
                    true);
        } catch (MqttException e) {
            throw new IllegalStateException("the small site could not publish: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws MqttException {
        clock.shutdownNow();
        client.disconnect();
        client.close();
    }
}
