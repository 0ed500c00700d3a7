package coop.steward.agent;

import coop.steward.agent.outbox.Outbox;
import coop.steward.agent.publish.MqttLink;
import coop.steward.agent.sensor.Sensor;
import coop.steward.agent.sensor.SensorFault;
import coop.steward.agent.sensor.Sensors;
import coop.steward.config.DeviceConfig;
import coop.steward.protocol.ProtocolJson;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge device: samples its sensors on schedule, batches readings into messages, keeps every message in the
 * outbox until the collector confirms it, and resends what is not confirmed in time.
 */
public final class Agent implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final long STATUS_EVERY_MS = 60_000;
    private static final long RESEND_CHECK_MS = 1_000;
    private static final int MAX_SEND_AT_ONCE = 100;

    private final DeviceConfig config;
    private final List<Sensor> sensors;
    private final Clock clock;
    private final Outbox outbox = new Outbox();
    private final MqttLink link;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<Reading>> readingListeners = new CopyOnWriteArrayList<>();
    private final List<ScheduledFuture<?>> samplers = new ArrayList<>();
    private final long startedAt;
    /** Touched only on the scheduler thread. */
    private final List<Reading> batch = new ArrayList<>();
    private long nextSeq;
    private long faults;

    public Agent(DeviceConfig config, List<Sensor> sensors, Clock clock, String mqttPassword) {
        this.config = config;
        this.sensors = List.copyOf(sensors);
        this.clock = clock;
        this.startedAt = clock.millis();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "steward-agent-" + config.device());
            thread.setDaemon(true);
            return thread;
        });
        this.link = new MqttLink(config.mqtt().url(), config.site(), config.device(), config.mqtt().username(),
                mqttPassword, config.mqtt().keepAliveSeconds(), new LinkListener());
    }

    /** An agent on the sensors its configuration names, with the MQTT password from the named variable. */
    public static Agent create(DeviceConfig config, Clock clock) {
        String passwordEnv = config.mqtt().passwordEnv();
        String password = passwordEnv == null ? null : System.getenv(passwordEnv);
        if (passwordEnv != null && password == null) {
            throw new IllegalArgumentException("mqtt.passwordEnv names " + passwordEnv
                    + ", but that environment variable is not set: set it to the broker password");
        }
        return new Agent(config, Sensors.from(config), clock, password);
    }

    /** Called on the sampling thread with every reading taken; for tests and the demo's log. */
    public void onReading(Consumer<Reading> listener) {
        readingListeners.add(listener);
    }

    public void start() {
        for (Sensor sensor : sensors) {
            long every = Math.max(1, sensor.interval().toMillis());
            samplers.add(scheduler.scheduleAtFixedRate(() -> sample(sensor), 0, every, TimeUnit.MILLISECONDS));
        }
        long flushMs = Math.max(1, config.publish().flush().toMillis());
        scheduler.scheduleAtFixedRate(this::flush, flushMs, flushMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(this::sendDue, RESEND_CHECK_MS, RESEND_CHECK_MS, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> link.publishStatus(status()), STATUS_EVERY_MS, STATUS_EVERY_MS,
                TimeUnit.MILLISECONDS);
        link.start();
        LOG.info("{}/{}: sampling {} sensors, publishing to {}", config.site(), config.device(), sensors.size(),
                config.mqtt().url());
    }

    /** Readings waiting for the collector's confirmation. */
    public long outboxReadings() {
        return outbox.readings();
    }

    public boolean isConnected() {
        return link.isConnected();
    }

    private void sample(Sensor sensor) {
        try {
            Reading reading = sensor.sample(clock.millis());
            if (reading == null) {
                return;
            }
            batch.add(reading);
            readingListeners.forEach(l -> l.accept(reading));
            if (batch.size() >= config.publish().maxBatch()) {
                flush();
            }
        } catch (SensorFault e) {
            faults++;
            LOG.warn("{}/{}: {}", config.site(), config.device(), e.getMessage());
        } catch (RuntimeException e) {
            // A broken sensor must not stop the others: scheduleAtFixedRate would cancel this task for good.
            faults++;
            LOG.error("{}/{}: sensor {} failed", config.site(), config.device(), sensor.id(), e);
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        long seq = nextSeq++;
        ReadingsMessage message = ReadingsMessage.of(config.device(), seq, batch);
        outbox.add(seq, ProtocolJson.encode(message), batch.size());
        batch.clear();
        sendDue();
    }

    private void sendDue() {
        if (!link.isConnected()) {
            return;
        }
        long ackTimeoutMs = config.publish().ackTimeout().toMillis();
        for (Outbox.Entry entry : outbox.due(clock.millis(), ackTimeoutMs, MAX_SEND_AT_ONCE)) {
            if (!link.publishReadings(entry.payload())) {
                outbox.unsent(entry);
            }
        }
    }

    private StatusMessage status() {
        long now = clock.millis();
        return StatusMessage.online(now, VERSION, outbox.readings(), (now - startedAt) / 1000);
    }

    private final class LinkListener implements MqttLink.Listener {
        @Override
        public void connected() {
            scheduler.execute(Agent.this::sendDue);
        }

        @Override
        public void acknowledged(List<SeqRange> ranges) {
            outbox.acknowledge(ranges);
            // Room in the broker's in-flight window: send what waits without waiting for the next tick.
            scheduler.execute(Agent.this::sendDue);
        }

        @Override
        public StatusMessage status() {
            return Agent.this.status();
        }
    }

    /**
     * Stops sampling, sends what is batched and waits up to {@code grace} for the collector to confirm it, then
     * says {@code offline} and disconnects. Returns the readings still unconfirmed.
     */
    public long stop(Duration grace) {
        try {
            scheduler.submit(() -> {
                samplers.forEach(s -> s.cancel(false));
                flush();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{}/{}: final flush failed: {}", config.site(), config.device(), e.getMessage());
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (outbox.readings() > 0 && System.nanoTime() < deadline) {
            try {
                scheduler.submit(this::sendDue);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scheduler.shutdownNow();
        link.close();
        long left = outbox.readings();
        if (left > 0) {
            LOG.warn("{}/{}: stopped with {} readings not confirmed by the collector", config.site(),
                    config.device(), left);
        }
        return left;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
