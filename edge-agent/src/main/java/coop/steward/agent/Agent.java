package coop.steward.agent;

import coop.steward.agent.clock.Timekeeping;
import coop.steward.agent.config.RemoteConfig;
import coop.steward.agent.outbox.Batch;
import coop.steward.agent.outbox.Outbox;
import coop.steward.agent.outbox.OutboxException;
import coop.steward.agent.publish.MqttLink;
import coop.steward.agent.publish.MqttLogin;
import coop.steward.agent.sensor.Board;
import coop.steward.agent.sensor.Sensor;
import coop.steward.agent.sensor.SensorFault;
import coop.steward.config.DeviceConfig;
import coop.steward.protocol.Channel;
import coop.steward.protocol.ConfigAck;
import coop.steward.protocol.Reading;
import coop.steward.protocol.ReadingsMessage;
import coop.steward.protocol.SeqRange;
import coop.steward.protocol.StatusMessage;
import coop.steward.protocol.Topics;
import coop.steward.protocol.WireJson;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge device: samples its sensors on schedule, batches readings into messages, keeps every message in the
 * outbox until the collector confirms it (in memory while the collector confirms promptly, on disk once it has not
 * for {@code publish.holdSeconds} or while the broker is gone), and resends what is not confirmed in time. Readings
 * taken before the clock is set wait in the outbox until it is, and are sent with their corrected time. A config
 * pushed on the config topic replaces sensors and settings without a restart ({@link RemoteConfig}).
 */
public final class Agent implements AutoCloseable {
    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
    private static final long STATUS_EVERY_MS = 60_000;
    private static final long RESEND_CHECK_MS = 1_000;
    private static final int MAX_SEND_AT_ONCE = 200;
    private static final long CLOCK_CHECK_MS = 1_000;
    /** Messages whose time is corrected per turn of the agent's thread, so sampling goes on meanwhile. */
    private static final int CORRECT_AT_ONCE = 500;

    /** Replaced by a pushed config, on the scheduler thread. */
    private volatile DeviceConfig config;
    /** The config file on the device, which sets what a pushed config may do. */
    private volatile DeviceConfig local;
    /** Touched only on the scheduler thread, once started. */
    private List<Sensor> sensors;
    private final Clock clock;
    private final Timekeeping time;
    private final Outbox outbox;
    private final RemoteConfig remoteConfig;
    private final AtomicBoolean sendQueued = new AtomicBoolean();
    private final MqttLink link;
    private final ScheduledExecutorService scheduler;
    private final List<Consumer<Reading>> readingListeners = new CopyOnWriteArrayList<>();
    private final List<ScheduledFuture<?>> samplers = new ArrayList<>();
    private ScheduledFuture<?> flusher;
    private final long startedAt;
    /** Touched only on the scheduler thread. */
    private final Batch batch = new Batch();
    /** The device's sensors, valves and board; closed when the agent stops. */
    private final Equipment equipment;
    private final SensorHealth health = new SensorHealth();
    /** SHA-256 of the config it runs, for its status: of the file it started with, then of each push it applied. */
    private volatile String configHash;
    /**
     * Set while the disk refuses what is held: new messages then go straight to the outbox (and wait in the batch
     * if it refuses them too), so that what waits in memory stays bounded. Touched only on the scheduler thread.
     */
    private boolean spillFailing;

    public Agent(DeviceConfig config, List<Sensor> sensors, Clock clock, MqttLogin login) {
        this(config, sensors, Timekeeping.system(clock), login);
    }

    /** These sensors, with the config's actuators on the Raspberry Pi's GPIO. */
    public Agent(DeviceConfig config, List<Sensor> sensors, Timekeeping time, MqttLogin login) {
        this(config, Equipment.withSensors(sensors, config, Board.raspberryPi(), time.wall()), time, login);
    }

    /**
     * Opens the outbox in the config's storage folder; throws {@link OutboxException} when it cannot. The agent
     * owns {@code equipment} once it is made, and closes it when it stops.
     */
    public Agent(DeviceConfig config, Equipment equipment, Timekeeping time, MqttLogin login) {
        this.config = config;
        this.local = config;
        this.equipment = equipment;
        this.sensors = equipment.sensors();
        this.time = time;
        this.clock = time.wall();
        this.startedAt = clock.millis();
        this.outbox = Outbox.open(config.storageDir(), config.maxOutboxReadings(), time.bootId(),
                config.site() + "/" + config.device());
        this.remoteConfig = new RemoteConfig(new ConfigTarget(),
                Topics.device(config.site(), config.device(), Channel.CONFIG));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "steward-agent-" + config.device());
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.link = new MqttLink(config.mqtt(), login, config.site(), config.device(), new LinkListener());
        } catch (RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    /** An agent on the sensors its configuration names, logged in as {@link MqttLogin#of} finds in the environment. */
    public static Agent create(DeviceConfig config, Clock clock) {
        return create(config, Timekeeping.system(clock));
    }

    /** As {@link #create(DeviceConfig, Clock)}, with the clocks given; for tests of time correction. */
    public static Agent create(DeviceConfig config, Timekeeping time) {
        return create(config, time, Board.raspberryPi());
    }

    /** As {@link #create(DeviceConfig, Clock)}, with its GPIO, I2C and SPI on {@code board}, which it then owns. */
    public static Agent create(DeviceConfig config, Timekeeping time, Board board) {
        return create(config, time, board, MqttLogin.of(config.mqtt(), System::getenv));
    }

    /** As {@link #create(DeviceConfig, Timekeeping, Board)}, logged in as {@code login}. */
    public static Agent create(DeviceConfig config, Timekeeping time, Board board, MqttLogin login) {
        Equipment equipment = Equipment.open(config, board, time.wall());
        try {
            return new Agent(config, equipment, time, login);
        } catch (RuntimeException e) {
            equipment.close();
            throw e;
        }
    }

    /**
     * The SHA-256 (as {@code sha256sum} prints it) of the config file this agent was created with, which its status
     * names until a pushed config replaces it. Without it the status names no config until the first push.
     */
    public Agent withConfigHash(String sha256) {
        this.configHash = sha256;
        return this;
    }

    /**
     * The config file on the device, when the agent starts with a config pushed to it earlier ({@link
     * coop.steward.agent.config.LastGoodConfig}): a push may not go past what the file allows. Without it, the
     * config the agent was created with counts as the file.
     */
    public Agent withLocalConfig(DeviceConfig fromFile) {
        this.local = fromFile;
        return this;
    }

    /** Called on the sampling thread with every reading taken; for tests and the demo's log. */
    public void onReading(Consumer<Reading> listener) {
        readingListeners.add(listener);
    }

    public void start() {
        // First, so that the first readings already know whether the clock is set.
        scheduler.scheduleWithFixedDelay(this::checkClock, 0, CLOCK_CHECK_MS, TimeUnit.MILLISECONDS);
        equipment.onStateChange(this::sampleNow);
        schedule(sensors, config);
        scheduler.scheduleAtFixedRate(this::sendDue, RESEND_CHECK_MS, RESEND_CHECK_MS, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(() -> link.publishStatus(status()), STATUS_EVERY_MS, STATUS_EVERY_MS,
                TimeUnit.MILLISECONDS);
        link.start();
        LOG.info("{}/{}: sampling {} sensors, publishing to {}", config.site(), config.device(), sensors.size(),
                config.mqtt().url());
    }

    /** Samplers for these sensors and the flush timer for this config. */
    private void schedule(List<Sensor> sensors, DeviceConfig config) {
        for (Sensor sensor : sensors) {
            long every = Math.max(1, sensor.interval().toMillis());
            samplers.add(scheduler.scheduleAtFixedRate(() -> sample(sensor), 0, every, TimeUnit.MILLISECONDS));
        }
        long flushMs = Math.max(1, config.publish().flush().toMillis());
        flusher = scheduler.scheduleAtFixedRate(this::flush, flushMs, flushMs, TimeUnit.MILLISECONDS);
    }

    /** Readings waiting for the collector's confirmation, including those waiting for the clock to be set. */
    public long outboxReadings() {
        return outbox.readings();
    }

    /** The config the agent runs now: the one it started with, or the last one pushed to it and applied. */
    public DeviceConfig config() {
        return config;
    }

    public boolean isConnected() {
        return link.isConnected();
    }

    private void sample(Sensor sensor) {
        try {
            long monotonic = time.monotonicNanos();
            Reading reading = sensor.sample(clock.millis());
            if (health.ok(sensor.id(), clock.millis())) {
                link.publishStatus(status());
            }
            if (reading == null) {
                return;
            }
            batch.add(reading, monotonic, time.isSynchronised());
            readingListeners.forEach(l -> l.accept(reading));
            if (batch.size() >= config.publish().maxBatch()) {
                flush();
            }
        } catch (SensorFault e) {
            LOG.warn("{}/{}: {}", config.site(), config.device(), e.getMessage());
            if (health.failed(sensor.id(), e.getMessage(), clock.millis())) {
                link.publishStatus(status());
            }
        } catch (RuntimeException e) {
            // A broken sensor must not stop the others: scheduleAtFixedRate would cancel this task for good.
            LOG.error("{}/{}: sensor {} failed", config.site(), config.device(), sensor.id(), e);
            health.failed(sensor.id(), "sensor " + sensor.id() + " failed: " + e, clock.millis());
        }
    }

    /** Samples a valve's state sensor on the agent's thread now: its change is sent without waiting. */
    private void sampleNow(Sensor sensor) {
        try {
            scheduler.execute(() -> sample(sensor));
        } catch (RejectedExecutionException e) {
            // stopping: the final state is sampled by stop()
        }
    }

    /**
     * Makes the batch a message and puts it in the outbox: held in memory while the broker is there to send it to (it
     * reaches the disk only if the collector does not confirm it within {@code publish.holdSeconds}), written to disk
     * at once otherwise. A disk that refuses it leaves the batch in memory for the next try.
     */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        long seq = outbox.nextSeq();
        byte[] payload = WireJson.encode(ReadingsMessage.of(config.device(), seq, batch.readings()));
        try {
            if (!batch.clockSynchronised()) {
                outbox.addUntimed(seq, payload, batch.monotonicNanos(), time.bootId(), clock.millis());
            } else if (holds()) {
                outbox.hold(seq, payload, batch.size(), clock.millis(), monotonicMillis());
            } else {
                outbox.add(seq, payload, batch.size(), clock.millis());
            }
            batch.clear();
        } catch (OutboxException e) {
            LOG.error("{}/{}: {}; {} readings wait in memory", config.site(), config.device(), e.getMessage(),
                    batch.size());
            if (batch.size() > config.publish().maxBatch()) {
                // Memory is not a disk: past one message's worth, the oldest go (and are lost).
                batch.dropOldest(batch.size() - config.publish().maxBatch());
            }
            return;
        }
        sendDue();
    }

    private boolean holds() {
        return !config.publish().hold().isZero() && link.isConnected() && !spillFailing;
    }

    /**
     * Writes to disk what the collector has not confirmed within the hold, or everything held while the broker is
     * gone: the collector will not confirm it soon.
     */
    private void spillUnconfirmed() {
        try {
            if (link.isConnected()) {
                outbox.spill(monotonicMillis(), config.publish().hold().toMillis());
            } else {
                outbox.spillAll();
            }
            spillFailing = false;
        } catch (OutboxException e) {
            if (!spillFailing) {
                LOG.error("{}/{}: {}; {} unconfirmed readings wait in memory", config.site(), config.device(),
                        e.getMessage(), outbox.heldReadings());
            }
            spillFailing = true;
        }
    }

    private long monotonicMillis() {
        // Monotonic: the hold and the ack timeout must not stretch or vanish when NTP moves the wall clock.
        return time.monotonicNanos() / 1_000_000;
    }

    private void sendDue() {
        spillUnconfirmed();
        if (!link.isConnected()) {
            return;
        }
        long ackTimeoutMs = config.publish().ackTimeout().toMillis();
        try {
            List<Outbox.Entry> due = outbox.due(monotonicMillis(), ackTimeoutMs, MAX_SEND_AT_ONCE);
            for (int i = 0; i < due.size(); i++) {
                if (!link.publishReadings(due.get(i).payload())) {
                    // The broker's window is full: these go when it has room (delivered() calls back).
                    due.subList(i, due.size()).forEach(outbox::unsent);
                    return;
                }
            }
            if (due.size() == MAX_SEND_AT_ONCE) {
                queueSend(); // more waiting: go on after whatever else is queued (sampling, acks)
            }
        } catch (OutboxException e) {
            LOG.error("{}/{}: {}", config.site(), config.device(), e.getMessage());
        }
    }

    /** One send pass on the agent's thread, however many callers ask for it meanwhile. */
    private void queueSend() {
        if (sendQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    sendQueued.set(false);
                    sendDue();
                });
            } catch (RejectedExecutionException e) {
                sendQueued.set(false); // stopping
            }
        }
    }

    /**
     * Until the clock is set, readings are kept back; once it is, those taken earlier in this boot get their
     * real time from their monotonic time and are sent.
     */
    private void checkClock() {
        if (!time.checkJustSynchronised()) {
            return;
        }
        if (outbox.untimedReadings() > 0 || !batch.isEmpty()) {
            LOG.info("{}/{}: the clock is set; correcting the time of {} readings taken before", config.site(),
                    config.device(), outbox.untimedReadings() + batch.size());
        }
        flush(); // the batch was taken before: it goes in untimed, and is corrected with the rest
        correctTimes();
    }

    private void correctTimes() {
        try {
            int corrected = outbox.correctTimes(time.bootId(), clock.millis(), time.monotonicNanos(),
                    CORRECT_AT_ONCE);
            if (corrected == CORRECT_AT_ONCE) {
                scheduler.execute(this::correctTimes);
            }
            if (corrected > 0) {
                queueSend();
            }
        } catch (OutboxException e) {
            LOG.error("{}/{}: {}; trying again in a second", config.site(), config.device(), e.getMessage());
            scheduler.schedule(this::correctTimes, CLOCK_CHECK_MS, TimeUnit.MILLISECONDS);
        }
    }

    private StatusMessage status() {
        long now = clock.millis();
        return StatusMessage.online(now, VERSION, outbox.readings(), (now - startedAt) / 1000, outbox.dropped(),
                outbox.uncorrectable(), time.isSynchronised()).withFaults(health.snapshot()).withConfig(configHash);
    }

    /**
     * Runs {@code next}'s sensors and publish settings in place of the current ones, on the scheduler thread. The
     * new sensors are made first: if that throws, nothing has changed. What was batched leaves first.
     */
    private void reconfigure(DeviceConfig next) {
        List<Sensor> nextSensors = equipment.sensorsFor(next);
        health.retain(nextSensors.stream().map(Sensor::id).toList());
        samplers.forEach(s -> s.cancel(false));
        samplers.clear();
        if (flusher != null) {
            flusher.cancel(false);
        }
        flush();
        config = next;
        sensors = nextSensors;
        outbox.setMaxReadings(next.maxOutboxReadings());
        schedule(nextSensors, next);
        LOG.info("{}/{}: now sampling {} sensors", next.site(), next.device(), nextSensors.size());
    }

    private final class ConfigTarget implements RemoteConfig.Target {
        @Override
        public DeviceConfig current() {
            return config;
        }

        @Override
        public DeviceConfig local() {
            return local;
        }

        @Override
        public void run(DeviceConfig next) {
            reconfigure(next);
        }

        @Override
        public void afterQueued(Runnable task) {
            try {
                scheduler.execute(task);
            } catch (RejectedExecutionException e) {
                // stopping: the trial was abandoned
            }
        }

        @Override
        public String stoppedSampling() {
            // A sampler's future is done only when its task threw past sample()'s catch (an Error such as
            // OutOfMemoryError): the executor then never runs it again.
            for (int i = 0; i < samplers.size(); i++) {
                ScheduledFuture<?> sampler = samplers.get(i);
                if (sampler.isDone() && !sampler.isCancelled()) {
                    return "sampling sensor " + sensors.get(i).id() + " stopped (" + failure(sampler) + ")";
                }
            }
            return null;
        }

        @Override
        public void acknowledge(ConfigAck ack) {
            if (!link.publishConfigAck(ack)) {
                LOG.warn("{}/{}: could not send config/ack ({}) : not connected", config.site(), config.device(),
                        ack.outcome());
            }
            if (ConfigAck.APPLIED.equals(ack.outcome()) && !ack.hash().equals(configHash)) {
                configHash = ack.hash();
                link.publishStatus(status()); // the retained status names the new config now, not in a minute
            }
        }
    }

    private final class LinkListener implements MqttLink.Listener {
        @Override
        public void connected() {
            scheduler.execute(() -> {
                outbox.reconnected();
                sendDue();
            });
        }

        @Override
        public void acknowledged(List<SeqRange> ranges) {
            // On the agent's thread: the delete is a disk write, and Paho's callback thread must not wait for it.
            scheduler.execute(() -> {
                try {
                    outbox.acknowledge(ranges);
                } catch (OutboxException e) {
                    LOG.error("{}/{}: {}", config.site(), config.device(), e.getMessage());
                }
                // Room in the window: send what waits without waiting for the next tick.
                sendDue();
            });
        }

        @Override
        public void delivered() {
            queueSend();
        }

        @Override
        public void configArrived(byte[] payload, boolean retained) {
            scheduler.execute(() -> remoteConfig.received(payload, retained));
        }

        @Override
        public StatusMessage status() {
            return Agent.this.status();
        }

        @Override
        public void commandArrived(byte[] payload, boolean retained) {
            equipment.actuators().command(payload, retained, link::publishCommandAck);
        }

        @Override
        public void commandRefused(String reason) {
            equipment.actuators().refuse(reason, link::publishCommandAck);
        }

        @Override
        public void connectionLost() {
            // A collector that cannot reach the device cannot close its valves: the device closes them itself.
            equipment.actuators().closeAll("the agent lost the broker");
            try {
                scheduler.execute(Agent.this::spillUnconfirmed);
            } catch (RejectedExecutionException e) {
                // stopping: closing the outbox writes what is held
            }
        }
    }

    /**
     * Stops sampling, sends what is batched and waits up to {@code grace} for the collector to confirm it, then
     * says {@code offline} and disconnects. Returns the readings still unconfirmed.
     */
    public long stop(Duration grace) {
        if (scheduler.isShutdown()) {
            return outbox.readings(); // stopped already
        }
        equipment.actuators().closeAll("the agent stops"); // first; the closed state goes in the final flush
        try {
            scheduler.submit(() -> {
                remoteConfig.abandonTrial(); // a config on trial did not fail: the agent stops
                samplers.forEach(s -> s.cancel(false));
                flush();
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("{}/{}: final flush failed: {}", config.site(), config.device(), e.getMessage());
        }
        long deadline = System.nanoTime() + grace.toNanos();
        // Readings waiting for the clock cannot leave before it is set: they stay on disk for the next start.
        while (outbox.readings() - outbox.untimedReadings() > 0 && System.nanoTime() < deadline) {
            try {
                scheduler.submit(this::sendDue);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
        outbox.close();
        equipment.close();
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

    private static String failure(Future<?> done) {
        try {
            done.get();
            return "it ended";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
