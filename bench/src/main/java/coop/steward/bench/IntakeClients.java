package coop.steward.bench;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import coop.steward.collector.ingest.SocketReads;
import coop.steward.testsupport.RawMqtt;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The collector-side MQTT clients side by side (issue 15): each subscribes to every device's readings at QoS 1 with
 * a persistent session and acknowledges each message only after a writer thread has taken it in a batch, as the
 * collector does after its commit. What differs is the client alone: how it reads, copies and hands over payloads,
 * and how an acknowledgement from another thread reaches its connection. After the load each is sent a topic with a
 * fullwidth letter (U+FF44, above U+FDD0), which Paho 1.2.5's receiving thread dies of, and then a plain one.
 */
final class IntakeClients {
    /** A client under test: connected and subscribed once {@link #start} returns. */
    interface Subscriber extends AutoCloseable {
        String name();

        /** Connects as {@code clientId} with a persistent session, subscribes, and hands each message to the sink. */
        void start(String host, int port, String clientId, Consumer<Delivered> sink) throws Exception;

        /** Acknowledges a batch the writer took, from the writer's thread: as the client lets it be done best. */
        default void acknowledge(List<Delivered> batch) {
            batch.forEach(d -> d.ack().run());
        }
    }

    /** One message and how to acknowledge it. */
    record Delivered(byte[] payload, Runnable ack) {
    }

    /**
     * What one timed run cost the client's side alone, in core-seconds: the harness's process less its publishers'
     * threads (the client's threads, the writer thread that acknowledges, and the garbage collector behind them), and
     * the broker that served it.
     */
    record Own(double client, double broker) {
    }

    /**
     * A client's timed runs of the load, one after another in one session, what each cost the client and its broker
     * alone, whether it still reads after the poisoned topic, and whether it can acknowledge a message while an
     * earlier one is left unacknowledged ({@link #acknowledgesPastALeftMessage}).
     */
    record Result(String name, List<Timed> runs, List<Own> own, boolean survivesPoisonedTopic,
                  boolean acknowledgesPastALeftMessage) {
        /** The median rate and the median CPU of the whole machine per million readings. */
        Timed timed() {
            return Timed.median(runs);
        }

        /** The median of the client's own core-seconds per million readings over its runs. */
        double clientPerMillion() {
            return Timed.middle(own.stream().mapToDouble(o -> perMillion(o.client())));
        }

        /** The median of its broker's core-seconds per million readings over its runs. */
        double brokerPerMillion() {
            return Timed.middle(own.stream().mapToDouble(o -> perMillion(o.broker())));
        }

        /** Each run's client and broker core-seconds per million readings, for the report's notes. */
        String eachOwn() {
            return own.stream().map(o -> String.format(Locale.ROOT, "%.2f / %.2f", perMillion(o.client()),
                    perMillion(o.broker()))).collect(Collectors.joining(", "));
        }

        /** A run's core-seconds as core-seconds per million readings (every run is of the same load). */
        private double perMillion(double coreSeconds) {
            return coreSeconds * 1e6 / runs.get(0).readings();
        }
    }

    private IntakeClients() {
    }

    /** The collector's own client first; a new one for each run. */
    static List<Supplier<Subscriber>> all() {
        return List.of(VertxSubscriber::new, Paho3Subscriber::new, Paho5Subscriber::new,
                () -> new HiveMqSubscriber(false, false), () -> new HiveMqSubscriber(true, false),
                () -> new HiveMqSubscriber(true, true));
    }

    /** What the writer thread does with a batch before it acknowledges it. */
    interface BatchWork {
        void take(List<Delivered> batch) throws Exception;
    }

    /**
     * The warm-up, then {@code runs} timed runs of the load, all through one session of the subscriber: a session
     * per run would leave the broker queueing every later message for the ones before, which persist.
     */
    static Result measure(Supplier<Subscriber> kind, String brokerUrl, long brokerPid, Load warmUp, Load load,
                          int runs) throws Exception {
        Subscriber subscriber = kind.get();
        List<Timed> timed = new ArrayList<>();
        List<Own> own = new ArrayList<>();
        boolean survives;
        try (subscriber; Intake intake = Intake.open(subscriber, brokerUrl, 5_000, IntakeClients::readEveryByte)) {
            intake.time(warmUp);
            for (int i = 0; i < runs; i++) {
                long broker = PartsCpu.ticks(brokerPid);
                timed.add(intake.time(load));
                own.add(new Own(intake.lastOwnCpu(),
                        (PartsCpu.ticks(brokerPid) - broker) / Timed.TICKS_PER_SECOND));
            }
            survives = survivesPoisonedTopic(brokerUrl, intake);
        }
        return new Result(subscriber.name(), timed, own, survives, acknowledgesPastALeftMessage(kind, brokerUrl));
    }

    /** The writer stores nothing, but reads every byte as a store would. */
    private static void readEveryByte(List<Delivered> batch) {
        long sum = 0;
        for (Delivered d : batch) {
            sum += d.payload().length;
        }
        if (sum < 0) {
            throw new IllegalStateException();
        }
    }

    /**
     * A subscriber connected to a broker with a writer thread that takes up to {@code maxMessages} at a time, does
     * its work on them and only then acknowledges them; loads are timed through it one after another. Closing it
     * stops the writer; the subscriber stays connected for the caller to close.
     */
    static final class Intake implements AutoCloseable {
        private final Subscriber subscriber;
        private final String brokerUrl;
        private final BlockingQueue<Delivered> queue = new ArrayBlockingQueue<>(100_000);
        private final Thread writer;
        private final AtomicLong taken = new AtomicLong();
        private final AtomicReference<Exception> failed = new AtomicReference<>();
        private volatile Goal goal = Goal.none();
        private double lastOwnCpu;

        private Intake(Subscriber subscriber, String brokerUrl, int maxMessages, BatchWork work) {
            this.subscriber = subscriber;
            this.brokerUrl = brokerUrl;
            writer = new Thread(() -> {
                List<Delivered> batch = new ArrayList<>();
                try {
                    while (true) {
                        batch.add(queue.take());
                        queue.drainTo(batch, maxMessages - 1);
                        work.take(batch);
                        subscriber.acknowledge(List.copyOf(batch));
                        goal.counted(taken.addAndGet(batch.size()));
                        batch.clear();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    failed.set(e);
                    goal.latch().countDown();
                }
            }, "bench-intake-writer");
            writer.setDaemon(true);
            writer.start();
        }

        static Intake open(Subscriber subscriber, String brokerUrl, int maxMessages, BatchWork work)
                throws Exception {
            Intake intake = new Intake(subscriber, brokerUrl, maxMessages, work);
            try {
                URI uri = URI.create(brokerUrl);
                subscriber.start(uri.getHost(), uri.getPort(), clientId(), intake.queue::add);
                return intake;
            } catch (Exception | Error e) {
                intake.close();
                throw e;
            }
        }

        /** Publishes the load and times it until the writer has taken every one of its messages. */
        Timed time(Load load) throws Exception {
            long expected = load.messages();
            Load.Prepared payloads = load.prepare();
            Goal all = Goal.of(taken.get(), expected);
            goal = all;
            if (failed.get() != null) { // after the run before: publishing now would only wait for the limit
                throw new IllegalStateException(subscriber.name() + "'s writer failed", failed.get());
            }
            long processCpu = PROCESS.getProcessCpuTime();
            Timed.Clock clock = Timed.start();
            long publishersCpu = payloads.publish(brokerUrl);
            boolean done = all.latch().await(180, TimeUnit.SECONDS);
            lastOwnCpu = (PROCESS.getProcessCpuTime() - processCpu - publishersCpu) / 1e9;
            if (failed.get() != null) {
                throw new IllegalStateException(subscriber.name() + "'s writer failed", failed.get());
            }
            if (!done || taken.get() < all.target()) {
                throw new IllegalStateException(subscriber.name() + " took " + (taken.get() - all.from()) + " of "
                        + expected + " messages");
            }
            return clock.stop(load.readings());
        }

        /**
         * The core-seconds the last timed load cost this process besides its publishers' threads: the client under
         * test, the writer thread and the garbage collector.
         */
        double lastOwnCpu() {
            return lastOwnCpu;
        }

        /** Messages the writer has taken so far. */
        long taken() {
            return taken.get();
        }

        @Override
        public void close() {
            writer.interrupt();
        }
    }

    /**
     * Publishes to a topic with a fullwidth letter, then a plain one: does the plain one still arrive? Written as
     * raw packets, since Paho refuses to send such a topic (though the broker forwards it).
     */
    private static boolean survivesPoisonedTopic(String brokerUrl, Intake intake) throws Exception {
        int port = URI.create(brokerUrl).getPort();
        long before = intake.taken();
        byte[] payload = "{}".getBytes(StandardCharsets.UTF_8);
        RawMqtt.publish(port, "steward/v1/" + Load.SITE + "/\uFF44ev/readings", payload);
        RawMqtt.publish(port, "steward/v1/" + Load.SITE + "/plain/readings", payload);
        return within(5_000, () -> intake.taken() >= before + 2);
    }

    /**
     * Two messages arrive; the second is acknowledged and the first left unacknowledged, as the collector leaves one it
     * cannot confirm yet (a site's forwarding log could not take its readings: the broker sends it again on the next
     * connection) while it acknowledges the ones after it.
     * Then the client disconnects, and the session is taken up again: true when the broker sends back the first alone,
     * false when it sends both (the client held the second's acknowledgement back behind the first).
     */
    static boolean acknowledgesPastALeftMessage(Supplier<Subscriber> kind, String brokerUrl) throws Exception {
        URI uri = URI.create(brokerUrl);
        String id = clientId();
        String topic = "steward/v1/" + Load.SITE + "/left/readings";
        List<Delivered> first = new CopyOnWriteArrayList<>();
        try (Subscriber subscriber = kind.get()) {
            subscriber.start(uri.getHost(), uri.getPort(), id, first::add);
            RawMqtt.publish(uri.getPort(), topic, "1".getBytes(StandardCharsets.UTF_8));
            RawMqtt.publish(uri.getPort(), topic, "2".getBytes(StandardCharsets.UTF_8));
            if (!within(5_000, () -> first.size() >= 2)) {
                throw new IllegalStateException(subscriber.name() + " received " + first.size() + " of 2 messages");
            }
            subscriber.acknowledge(List.of(first.get(1)));
            Thread.sleep(500); // the acknowledgement, if it goes at all, reaches the broker before the hang-up
        }
        // The session is taken up again by the Vert.x client whatever the client under test: it takes what the broker
        // sends before its subscription is made again, which some clients hand to no one (and HiveMQ's acknowledges).
        List<Delivered> again = new CopyOnWriteArrayList<>();
        try (Subscriber subscriber = new VertxSubscriber()) {
            subscriber.start(uri.getHost(), uri.getPort(), id, again::add);
            within(2_000, () -> again.size() >= 2); // a second message, if the broker has one, comes by then
            subscriber.acknowledge(List.copyOf(again));
            Thread.sleep(200);
        }
        if (again.isEmpty()) {
            throw new IllegalStateException("the broker sent nothing again, not even the message left unacknowledged");
        }
        return again.size() == 1;
    }

    /** Waits up to {@code millis} for {@code done}; whether it came. */
    private static boolean within(long millis, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static String clientId() {
        return "bench-intake-" + System.nanoTime();
    }

    private static final String TOPICS = BareSubscriber.TOPICS;
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * What the collector uses (BrokerLink), set up as it is: Netty's decoder on a Vert.x event loop, acks hop onto its
     * context, and the writes of one event-loop task leave in one flush.
     */
    static final class VertxSubscriber implements Subscriber {
        /** A persistent session, as the collector's; a run on a broker that others use next leaves none behind. */
        private final boolean persistentSession;
        private Vertx vertx;
        private MqttClient client;
        private volatile Context context;

        VertxSubscriber() {
            this(true);
        }

        VertxSubscriber(boolean persistentSession) {
            this.persistentSession = persistentSession;
        }

        /** Once a batch, on the client's own context, as the collector's ingest acknowledges after a commit. */
        @Override
        public void acknowledge(List<Delivered> batch) {
            context.runOnContext(v -> batch.forEach(d -> d.ack().run()));
        }

        @Override
        public String name() {
            return "Vert.x MQTT client 5.0.7 (the collector's)";
        }

        @Override
        public void start(String host, int port, String clientId, Consumer<Delivered> sink) throws Exception {
            vertx = Vertx.vertx();
            MqttClientOptions options = new MqttClientOptions().setClientId(clientId)
                    .setCleanSession(!persistentSession)
                    .setMaxMessageSize(268_435_455).setMaxInflightQueue(10_000);
            options.setAutoAck(false);
            options.setTcpNoDelay(true);
            client = MqttClient.create(vertx, options);
            client.publishHandler(message -> sink.accept(new Delivered(message.payload().getBytes(), message::ack)));
            CountDownLatch subscribed = new CountDownLatch(1);
            vertx.runOnContext(v -> {
                context = vertx.getOrCreateContext();
                client.connect(port, host).compose(ack -> {
                    SocketReads.writeTogether(client); // as BrokerLink does on every connection
                    return client.subscribe(TOPICS, MqttQoS.AT_LEAST_ONCE.value());
                }).onSuccess(id -> subscribed.countDown());
            });
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Vert.x client did not subscribe");
            }
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Paho 1.2.5 (MQTT 3.1.1), the agents' client, with manual acknowledgements. */
    static final class Paho3Subscriber implements Subscriber {
        private org.eclipse.paho.client.mqttv3.MqttClient client;

        @Override
        public String name() {
            return "Eclipse Paho 1.2.5, MQTT 3.1.1";
        }

        @Override
        public void start(String host, int port, String clientId, Consumer<Delivered> sink) throws Exception {
            client = new org.eclipse.paho.client.mqttv3.MqttClient("tcp://" + host + ":" + port, clientId,
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            client.setManualAcks(true);
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            options.setMaxInflight(10_000);
            client.connect(options);
            IMqttMessageListener listener = (topic, message) -> sink.accept(new Delivered(message.getPayload(), () -> {
                try {
                    client.messageArrivedComplete(message.getId(), message.getQos());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            client.subscribe(TOPICS, 1, listener);
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close(true);
        }
    }

    /** Paho's MQTT 5 client 1.2.5, with manual acknowledgements. */
    static final class Paho5Subscriber implements Subscriber {
        private org.eclipse.paho.mqttv5.client.MqttAsyncClient client;

        @Override
        public String name() {
            return "Eclipse Paho 1.2.5, MQTT 5";
        }

        @Override
        public void start(String host, int port, String clientId, Consumer<Delivered> sink) throws Exception {
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient("tcp://" + host + ":" + port,
                    clientId, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            client.setManualAcks(true);
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3_600L);
            options.setReceiveMaximum(10_000);
            client.connect(options).waitForCompletion(10_000);
            org.eclipse.paho.mqttv5.client.IMqttMessageListener listener = (topic, message) -> sink.accept(
                    new Delivered(message.getPayload(), () -> {
                        try {
                            client.messageArrivedComplete(message.getId(), message.getQos());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
            client.subscribe(new MqttSubscription[] {new MqttSubscription(TOPICS, 1)}, null, null,
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {listener}, new MqttProperties())
                    .waitForCompletion(10_000);
        }

        @Override
        public void close() throws Exception {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close(true);
        }
    }

    /**
     * The HiveMQ MQTT client 1.3.10, speaking MQTT 5 or 3.1.1, with manual acknowledgement. Its callbacks run on its
     * own Netty threads; a collector built on it would take each message on its ingest event loop, where ingest's
     * state lives, so that one variant hands messages to a Vert.x event loop (as the client's own executor option
     * lets it, several at a time) and acknowledges from there.
     */
    static final class HiveMqSubscriber implements Subscriber {
        private final boolean mqtt5;
        private final boolean onEventLoop;
        private com.hivemq.client.mqtt.MqttClient client;
        private Vertx vertx;
        private Context context;

        HiveMqSubscriber(boolean mqtt5, boolean onEventLoop) {
            this.mqtt5 = mqtt5;
            this.onEventLoop = onEventLoop;
        }

        @Override
        public String name() {
            return "HiveMQ MQTT client 1.3.10, MQTT " + (mqtt5 ? "5" : "3.1.1") + (onEventLoop
                    ? ", each message taken on a Vert.x event loop, as the collector's ingest would" : "");
        }

        @Override
        public void acknowledge(List<Delivered> batch) {
            if (context == null) {
                Subscriber.super.acknowledge(batch);
            } else {
                context.runOnContext(v -> batch.forEach(d -> d.ack().run()));
            }
        }

        @Override
        public void start(String host, int port, String clientId, Consumer<Delivered> sink) throws Exception {
            Executor loop = null;
            if (onEventLoop) {
                vertx = Vertx.vertx();
                Context on = vertx.getOrCreateContext();
                context = on;
                loop = task -> on.runOnContext(v -> task.run());
            }
            var builder = com.hivemq.client.mqtt.MqttClient.builder().identifier(clientId).serverHost(host)
                    .serverPort(port);
            if (mqtt5) {
                Mqtt5AsyncClient five = builder.useMqttVersion5().buildAsync();
                client = five;
                five.connectWith().cleanStart(false).sessionExpiryInterval(3_600).restrictions()
                        .receiveMaximum(10_000).applyRestrictions().send().get(10, TimeUnit.SECONDS);
                var subscribe = five.subscribeWith().topicFilter(TOPICS).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> sink.accept(new Delivered(p.getPayloadAsBytes(), p::acknowledge)));
                (loop == null ? subscribe : subscribe.executor(loop)).manualAcknowledgement(true).send()
                        .get(10, TimeUnit.SECONDS);
            } else {
                Mqtt3AsyncClient three = builder.useMqttVersion3().buildAsync();
                client = three;
                three.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
                var subscribe = three.subscribeWith().topicFilter(TOPICS).qos(MqttQos.AT_LEAST_ONCE)
                        .callback(p -> sink.accept(new Delivered(p.getPayloadAsBytes(), p::acknowledge)));
                (loop == null ? subscribe : subscribe.executor(loop)).manualAcknowledgement(true).send()
                        .get(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws Exception {
            if (client instanceof Mqtt5AsyncClient five) {
                five.disconnect().get(5, TimeUnit.SECONDS);
            } else {
                ((Mqtt3AsyncClient) client).disconnect().get(5, TimeUnit.SECONDS);
            }
            if (vertx != null) {
                vertx.close().await(10, TimeUnit.SECONDS);
            }
        }
    }
}
