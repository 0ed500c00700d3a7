package coop.steward.bench;

import coop.steward.testsupport.InfluxServer;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A regional hub at scale: 100 sites of 10 devices of 8 sensors, nine devices of each site sending a message of
 * their 8 readings a minute (spread over the minute, at the real pace), while the tenth device of every site, 100
 * devices at once, replays the day it could not send, 6 minutes to a message, as agents do when their link is back:
 * up to 100 messages waiting for the hub's confirmation, each sent again after 10 s without one.
 * The hub is 1, 2 or 3 collectors of one hub group ({@code bin/steward collector --hub --hub-group}: MQTT shared
 * subscriptions, each site's alerts owned by one) on one Mosquitto and one InfluxDB, warmed up first (an untimed
 * replay of the day before, and each collector's first store upkeep over). Timed from the first message of
 * the backlog until the hub has confirmed all of it and stored every live reading sent meanwhile. Beside it, the same
 * traffic to a bare QoS 1 subscriber that only counts the readings and confirms each message at once: what the
 * broker delivers.
 */
final class HubScale {
    static final int SITES = 100;
    static final int DEVICES = 10;
    static final int SENSORS = 8;
    private static final int MINUTES = 1_440;
    private static final int MINUTES_PER_MESSAGE = 6;
    /** The first seq of the timed backlog: after the warm-up's, as an agent's seq numbers only grow. */
    private static final long TIMED_FIRST_SEQ = 100_001;
    /**
     * The warm-up replays the whole day before the timed one: after 6 hours of it, each collector had spent more of
     * its CPU compiling (7.5 to 8.1 s in its JIT compiler's threads) than in everything else (about 5 s).
     */
    private static final int WARM_UP_MESSAGES = MINUTES / MINUTES_PER_MESSAGE;
    /** Timed runs of each hub, one after the other; the report takes their medians. */
    static final int RUNS = 3;
    private static final List<String> BROKER = List.of("max_queued_messages 10000000", "max_queued_bytes 536870912",
            "max_inflight_messages 10000", "set_tcp_nodelay true");

    /**
     * What one run took: readings stored (or delivered), the seconds it took, the cores the whole machine kept busy,
     * and the core-seconds each part spent (the collectors, the broker, InfluxDB, the harness's devices); for a
     * median of several runs, the runs themselves.
     */
    record Result(int collectors, long readings, double seconds, double coresBusy, Map<String, Double> parts,
                  List<Result> runs) {
        double rate() {
            return readings / seconds;
        }
    }

    private HubScale() {
    }

    static long backlogReadings() {
        return (long) SITES * MINUTES * SENSORS;
    }

    /** The hub as {@code collectors} collectors of one group, storing in their own database of {@code influx}. */
    static Result hub(Path dir, InfluxServer influx, int collectors) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(Files.createDirectories(dir).resolve("mosquitto"),
                BROKER.toArray(String[]::new))) {
            List<CollectorProcess> hub = new ArrayList<>();
            try {
                for (int i = 0; i < collectors; i++) {
                    hub.add(CollectorProcess.start(broker.url(), dir.resolve("c" + i), dir.resolve("c" + i + ".log"),
                            "--hub", "--hub-group", "bench", "--influxdb", influx.url() + "/scale" + collectors));
                }
                Thread.sleep(3_000); // the group's members hear one another and share out the sites
                warmUp(broker.url(), hub);
                LongSupplier stored = () -> {
                    long sum = 0;
                    for (CollectorProcess c : hub) {
                        try {
                            sum += c.stored();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return sum;
                };
                Map<String, List<Long>> parts = new LinkedHashMap<>();
                parts.put("collectors", hub.stream().map(CollectorProcess::pid).toList());
                parts.put("Mosquitto", List.of(broker.pid()));
                parts.put("InfluxDB", List.of(influx.pid()));
                parts.put("the devices (this harness)", List.of(ProcessHandle.current().pid()));
                return median(runs(broker.url(), collectors, stored, parts));
            } finally {
                for (CollectorProcess c : hub) {
                    c.close();
                }
            }
        }
    }

    /** The same traffic to a subscriber that counts readings and acknowledges at once. */
    static Result bare(Path dir) throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.start(Files.createDirectories(dir).resolve("mosquitto"),
                BROKER.toArray(String[]::new))) {
            AtomicLong readings = new AtomicLong();
            MqttAsyncClient subscriber = new MqttAsyncClient(broker.url(), "bench-bare-scale", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(10_000);
            subscriber.connect(options).waitForCompletion(10_000);
            // Confirms each message at once, as a collector does after its commit, for the replaying agents.
            subscriber.subscribe("steward/v1/+/+/readings", 1, (topic, message) -> {
                readings.addAndGet(count(message.getPayload()));
                long seq = seq(message.getPayload());
                // QoS 0: a confirmation from the callback never waits for room in flight; on 127.0.0.1 none is lost
                // (one that were would be seen: its message is sent again after 10 s, and the run is slower).
                subscriber.publish(topic + "/ack", ("{\"v\":1,\"seq\":[[" + seq + "," + seq + "]]}")
                        .getBytes(StandardCharsets.UTF_8), 0, false);
            }).waitForCompletion(10_000);
            try {
                Map<String, List<Long>> parts = new LinkedHashMap<>();
                parts.put("Mosquitto", List.of(broker.pid()));
                parts.put("the subscriber and the devices (this harness)", List.of(ProcessHandle.current().pid()));
                return median(runs(broker.url(), 0, readings::get, parts));
            } finally {
                subscriber.disconnect().waitForCompletion(5_000);
                subscriber.close();
            }
        }
    }

    /**
     * {@link #RUNS} timed runs, each with a replaying device of its own in every site (the first one the warm-up's),
     * so that each replays a day that is new to the hub.
     */
    private static List<Result> runs(String brokerUrl, int collectors, LongSupplier arrived,
                                     Map<String, List<Long>> parts) throws Exception {
        List<Result> runs = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            runs.add(run(brokerUrl, collectors, arrived, parts, r == 0 ? "dev-0" : "dev-" + (DEVICES - 1 + r)));
        }
        return runs;
    }

    /** Each figure the middle of the runs': the rate, the cores busy and each part's CPU per reading. */
    static Result median(List<Result> runs) {
        long readings = runs.get(0).readings();
        double rate = Timed.middle(runs.stream().mapToDouble(Result::rate));
        double coresBusy = Timed.middle(runs.stream().mapToDouble(Result::coresBusy));
        Map<String, Double> parts = new LinkedHashMap<>();
        for (String part : runs.get(0).parts().keySet()) {
            parts.put(part, readings * Timed.middle(runs.stream().mapToDouble(r -> r.parts().get(part)
                    / r.readings())));
        }
        return new Result(runs.get(0).collectors(), readings, readings / rate, coresBusy, parts, runs);
    }

    private static Result run(String brokerUrl, int collectors, LongSupplier arrived, Map<String, List<Long>> parts,
                              String device) throws Exception {
        long before = arrived.getAsLong();
        long dayStart = (System.currentTimeMillis() / 60_000 - MINUTES - 10) * 60_000;
        List<List<byte[]>> backlog = new ArrayList<>();
        for (int site = 0; site < SITES; site++) {
            backlog.add(backlogOf(site, device, dayStart, MINUTES / MINUTES_PER_MESSAGE, TIMED_FIRST_SEQ));
        }
        Live live = Live.start(brokerUrl);
        long start = System.nanoTime();
        Timed.Clock cpu = Timed.start();
        PartsCpu partsCpu = PartsCpu.start(parts);
        try {
            // returns once the hub has confirmed every message of the backlog
            publishAll(brokerUrl, device, backlog, TIMED_FIRST_SEQ);
        } finally {
            live.close();
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (arrived.getAsLong() - before < backlogReadings() + live.readings()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub of " + collectors + " stored " + (arrived.getAsLong()
                        - before) + " of " + (backlogReadings() + live.readings()) + " readings");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long readings = arrived.getAsLong() - before;
        Map<String, Double> spent = partsCpu.stop();
        return new Result(collectors, readings, seconds, cpu.stop(readings).coresBusy(), spent, List.of());
    }

    /**
     * Untimed, as a hub that has run for a while: its collectors' code compiled and their first store upkeep (30 s
     * after each starts) over. Every site's tenth device replays the day before the timed one.
     */
    private static void warmUp(String brokerUrl, List<CollectorProcess> hub) throws Exception {
        long dayStart = (System.currentTimeMillis() / 60_000 - 2 * MINUTES - 10) * 60_000;
        List<List<byte[]>> backlog = new ArrayList<>();
        for (int site = 0; site < SITES; site++) {
            backlog.add(backlogOf(site, "dev-0", dayStart, WARM_UP_MESSAGES, 1));
        }
        publishAll(brokerUrl, "dev-0", backlog, 1);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        for (CollectorProcess collector : hub) {
            while (collector.metric("steward_store_upkeep_seconds_count") < 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a hub collector's first store upkeep did not end in time");
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * {@code messages} messages of a day of site {@code site}'s tenth device, {@value #MINUTES_PER_MESSAGE} minutes a
     * message, seq numbers from {@code firstSeq}.
     */
    private static List<byte[]> backlogOf(int site, String device, long dayStart, int messageCount, long firstSeq) {
        List<byte[]> messages = new ArrayList<>();
        for (int m = 0; m < messageCount * MINUTES_PER_MESSAGE; m += MINUTES_PER_MESSAGE) {
            StringBuilder json = new StringBuilder("{\"v\":1,\"device\":\"" + device + "\",\"seq\":" + (firstSeq + m)
                    + ",\"readings\":[");
            for (int minute = m; minute < m + MINUTES_PER_MESSAGE; minute++) {
                reading(json, minute == m, dayStart + minute * 60_000L, minute);
            }
            messages.add(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }
        return messages;
    }

    private static void reading(StringBuilder json, boolean first, long t, int n) {
        for (int s = 0; s < SENSORS; s++) {
            json.append(first && s == 0 ? "" : ",").append("{\"sensor\":\"s").append(s)
                    .append("\",\"kind\":\"soil_moisture\",\"t\":").append(t).append(",\"value\":")
                    .append(25 + (n + s) % 5).append('}');
        }
    }

    static String site(int site) {
        return String.format("site-%03d", site);
    }

    /** The seq of a payload as this harness writes it ({@code "seq":N}). */
    private static long seq(byte[] payload) {
        String text = new String(payload, 0, Math.min(payload.length, 64), StandardCharsets.US_ASCII);
        int at = text.indexOf("\"seq\":") + 6;
        int end = at;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return Long.parseLong(text.substring(at, end));
    }

    /** Readings in a payload, counted as the bare subscriber's only work. */
    private static long count(byte[] payload) {
        long n = 0;
        for (int i = 0; i + 7 < payload.length; i++) {
            if (payload[i] == '"' && payload[i + 1] == 's' && payload[i + 2] == 'e' && payload[i + 3] == 'n') {
                n++;
            }
        }
        return n;
    }

    /**
     * Every site's backlog at once, as its agent replays its outbox: a client and thread per site, up to
     * {@value #WINDOW} messages unconfirmed, each sent again if the hub has not confirmed it (readings/ack) within
     * {@value #ACK_TIMEOUT_MS} ms. Returns once the hub has confirmed every message.
     */
    private static void publishAll(String brokerUrl, String device, List<List<byte[]>> backlog, long firstSeq)
            throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int site = 0; site < backlog.size(); site++) {
            int s = site;
            threads.add(new Thread(() -> {
                try {
                    replay(brokerUrl, site(s), device, backlog.get(s), firstSeq);
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static final int WINDOW = 100;
    private static final long ACK_TIMEOUT_MS = 10_000;

    private static void replay(String brokerUrl, String site, String device, List<byte[]> payloads, long firstSeq)
            throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-replay-" + site, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(10_000);
        // Message i has seq firstSeq + 6 i (backlogOf); unconfirmed ones by index, with when they were last sent.
        java.util.concurrent.ConcurrentHashMap<Integer, Long> unconfirmed = new java.util.concurrent.ConcurrentHashMap<>();
        Object changed = new Object();
        client.subscribe("steward/v1/" + site + "/" + device + "/readings/ack", 1, (topic, message) -> {
            for (coop.steward.protocol.SeqRange range : coop.steward.protocol.ProtocolJson.decodeAck(
                    message.getPayload())) {
                for (long seq = range.from(); seq <= range.to(); seq++) {
                    if ((seq - firstSeq) % MINUTES_PER_MESSAGE == 0) {
                        unconfirmed.remove((int) ((seq - firstSeq) / MINUTES_PER_MESSAGE));
                    }
                }
            }
            synchronized (changed) {
                changed.notifyAll();
            }
        }).waitForCompletion(10_000);
        String topic = "steward/v1/" + site + "/" + device + "/readings";
        int next = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (next < payloads.size() || !unconfirmed.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(site + ": " + unconfirmed.size() + " messages unconfirmed after 10 min");
            }
            while (next < payloads.size() && unconfirmed.size() < WINDOW) {
                unconfirmed.put(next, System.currentTimeMillis());
                publishWhenThereIsRoom(client, topic, payloads.get(next), () -> true);
                next++;
            }
            long now = System.currentTimeMillis();
            for (java.util.Map.Entry<Integer, Long> e : unconfirmed.entrySet()) {
                if (now - e.getValue() > ACK_TIMEOUT_MS) {
                    e.setValue(now);
                    publishWhenThereIsRoom(client, topic, payloads.get(e.getKey()), () -> true);
                }
            }
            synchronized (changed) {
                changed.wait(50);
            }
        }
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }

    /**
     * As an agent's outbox does: while the broker has not confirmed the client's 1,000 messages in flight, the next
     * waits. A broker slow to confirm under load must not end the run (a replaying device's resends ended one).
     */
    private static void publishWhenThereIsRoom(MqttAsyncClient client, String topic, byte[] payload,
                                               java.util.function.BooleanSupplier running) throws Exception {
        while (true) {
            try {
                client.publish(topic, payload, 1, false);
                return;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (e.getReasonCode() != org.eclipse.paho.client.mqttv3.MqttException.REASON_CODE_MAX_INFLIGHT
                        || !running.getAsBoolean()) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(5);
            }
        }
    }

    /**
     * The live devices: nine of every site, each a message of its 8 readings a minute, spread over the minute, each
     * message sent again, as an agent does, until the hub confirms it (readings/ack).
     */
    private static final class Live implements AutoCloseable {
        private record Sent(String topic, byte[] payload, long at) {
        }

        private final MqttAsyncClient client;
        private final Thread thread;
        private final AtomicLong readings = new AtomicLong();
        /** Messages not yet confirmed, by readings topic and seq. */
        private final java.util.concurrent.ConcurrentHashMap<String, Sent> unconfirmed =
                new java.util.concurrent.ConcurrentHashMap<>();
        private volatile boolean running = true;

        private Live(MqttAsyncClient client) {
            this.client = client;
            this.thread = new Thread(this::send, "bench-live");
        }

        static Live start(String brokerUrl) throws Exception {
            MqttAsyncClient client = new MqttAsyncClient(brokerUrl, "bench-live", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMaxInflight(1000);
            client.connect(options).waitForCompletion(10_000);
            Live live = new Live(client);
            client.subscribe("steward/v1/+/+/readings/ack", 1, (topic, message) -> {
                String readingsTopic = topic.substring(0, topic.length() - "/ack".length());
                for (coop.steward.protocol.SeqRange range : coop.steward.protocol.ProtocolJson.decodeAck(
                        message.getPayload())) {
                    for (long seq = range.from(); seq <= range.to() && seq - range.from() < 100_000; seq++) {
                        live.unconfirmed.remove(readingsTopic + "#" + seq);
                    }
                }
            }).waitForCompletion(10_000);
            live.thread.start();
            return live;
        }

        /** Readings sent (each message once). */
        long readings() {
            return readings.get();
        }

        private void send() {
            int devices = SITES * (DEVICES - 1);
            long seq = 0;
            long next = System.nanoTime();
            long step = TimeUnit.SECONDS.toNanos(60) / devices;
            for (int i = 0; running; i = (i + 1) % devices) {
                String device = "dev-" + (1 + i % (DEVICES - 1));
                String topic = "steward/v1/" + site(i / (DEVICES - 1)) + "/" + device + "/readings";
                StringBuilder json = new StringBuilder("{\"v\":1,\"device\":\"" + device + "\",\"seq\":" + ++seq
                        + ",\"readings\":[");
                reading(json, true, System.currentTimeMillis(), i);
                byte[] payload = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
                try {
                    unconfirmed.put(topic + "#" + seq, new Sent(topic, payload, System.currentTimeMillis()));
                    publishWhenThereIsRoom(topic, payload);
                    readings.addAndGet(SENSORS);
                    resendOverdue();
                    next += step;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                } catch (Exception e) {
                    if (running) {
                        throw new IllegalStateException("a live device could not send", e);
                    }
                }
            }
        }

        private void publishWhenThereIsRoom(String topic, byte[] payload) throws Exception {
            HubScale.publishWhenThereIsRoom(client, topic, payload, () -> running);
        }

        private void resendOverdue() throws Exception {
            long now = System.currentTimeMillis();
            for (java.util.Map.Entry<String, Sent> e : unconfirmed.entrySet()) {
                if (now - e.getValue().at() > ACK_TIMEOUT_MS) {
                    e.setValue(new Sent(e.getValue().topic(), e.getValue().payload(), now));
                    publishWhenThereIsRoom(e.getValue().topic(), e.getValue().payload());
                }
            }
        }

        /** Stops sending new messages, and waits (up to 2 minutes) until the hub has confirmed every one. */
        @Override
        public void close() throws Exception {
            running = false;
            thread.join(10_000);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (!unconfirmed.isEmpty() && System.nanoTime() < deadline) {
                resendOverdue();
                Thread.sleep(100);
            }
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
    }
}
