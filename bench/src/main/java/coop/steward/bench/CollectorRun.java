package coop.steward.bench;

import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** The real collector in this process, against the benchmark's broker, counting what it stored. */
final class CollectorRun implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CollectorRun.class);
    /** How long the broker does nothing before a run is over. */
    private static final long BROKER_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** However long a broker may take to read what a run left it, it has rested well within this. */
    private static final long BROKER_WAIT_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Less work than this in a millisecond is the broker waking on its own, not handling acknowledgements. */
    private static final long BROKER_WAKE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    private final Vertx vertx = Vertx.vertx();
    private final String brokerUrl;
    private final String clientId = "bench-collector-" + System.nanoTime();
    private final Collector collector;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Map<String, Double>> cpuEach = new ArrayList<>();
    private final List<Phases> phasesEach = new ArrayList<>();
    private Map<String, List<Long>> servers;

    CollectorRun(String brokerUrl, Path data, Function<CollectorSettings, CollectorSettings> customise)
            throws Exception {
        this.brokerUrl = brokerUrl;
        IngestSettings ingest = new IngestSettings(brokerUrl, clientId, null, null,
                IngestSettings.DEFAULT_MAX_PENDING_MESSAGES, IngestSettings.DEFAULT_MAX_READINGS_PER_TRANSACTION);
        CollectorSettings settings = customise.apply(new CollectorSettings(ingest, "127.0.0.1", 0, data));
        collector = Collector.start(vertx, settings).await(60, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get("/health").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the collector did not become healthy: " + get("/health").body());
            }
            Thread.sleep(20);
        }
    }

    int httpPort() {
        return collector.httpPort();
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collector.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * From now on, each {@link #ingestRate} also counts where its CPU went ({@link RunCpu}): these servers' processes
     * (name to process ids) and this process's threads.
     */
    void countCpu(Map<String, List<Long>> servers) {
        this.servers = servers;
    }

    /** Core-seconds by part, one map per run timed since {@link #countCpu}. */
    List<Map<String, Double>> cpuEach() {
        return cpuEach;
    }

    /** How each run timed since {@link #countCpu} divided, one per run. */
    List<Phases> phasesEach() {
        return phasesEach;
    }

    /**
     * A run in two parts: while the publishers publish, and after the broker has taken their last message, while the
     * collector stores what it still holds ({@code storedWhenPublished} of the load was stored by then).
     */
    record Phases(Timed.Span publishing, double storedWhenPublished, Timed.Span after) {
    }

    /**
     * Readings per second stored end to end, from the first publish until the last reading is committed and
     * acknowledged, and the broker has handled the acknowledgements ({@link #brokerDone}).
     */
    Timed ingestRate(MosquittoBroker broker, Load load) throws Exception {
        String brokerUrl = broker.url();
        double before = collector.readingsStored();
        Load.Prepared payloads = load.prepare();
        RunCpu cpu = servers == null ? null : RunCpu.start(servers);
        Timed.Clock clock = Timed.start();
        payloads.publish(brokerUrl);
        Timed.Span publishing = clock.lap();
        double storedThen = collector.readingsStored() - before;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        // The collector's own counter, the one /metrics shows, read in this process: a scrape every 100 ms ended a
        // run up to 0.1 s late, a twentieth of the embedded store's 2 s runs. Every 2 ms, it ends at most a
        // thousandth late, for a few microseconds a wake-up.
        while (collector.readingsStored() - before < load.readings() || collector.messagesPending() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the collector stored " + (long) (collector.readingsStored() - before)
                        + " of " + load.readings() + " readings within 300 s, and held " + collector.messagesPending()
                        + " messages unacknowledged");
            }
            Thread.sleep(2);
        }
        // One reading of the clock for the run and its second part, so that the two parts make up the run.
        Timed.Span whole = brokerDone(clock, broker.pid());
        Timed timed = whole.timed(load.readings());
        if (cpu != null) {
            phasesEach.add(new Phases(publishing, storedThen / load.readings(), publishing.until(whole)));
            Map<String, Double> spent = cpu.stop();
            cpuEach.add(spent);
            LOG.info("This run's CPU, core-seconds per million readings: {}; the collector's threads: {}",
                    perMillion(spent, load.readings()), perMillion(cpu.collectorThreads(), load.readings()));
        }
        LOG.info("Collector commits so far: {}", commits());
        return timed;
    }

    /**
     * The clock when the broker last worked, once it has done nothing for {@link #BROKER_QUIET_NANOS}: called when the
     * collector has sent its last acknowledgement, it ends the run when the broker has handled them all. Mosquitto
     * reads one packet of a connection per turn of its loop, beside every other connection's, and can still have
     * thousands of PUBACKs to read by then: in one run, 0.17 core-seconds of its work per million readings came after
     * the collector's last. The bare subscriber pings the broker behind its own; the harness does not hold the
     * collector's connection, so it watches the broker's process instead (its time on a CPU, in nanoseconds, from
     * /proc/{pid}/schedstat), and counts a wake-up of less than {@link #BROKER_WAKE_NANOS} as none: Mosquitto wakes
     * now and then on its own.
     */
    static Timed.Span brokerDone(Timed.Clock clock, long pid) throws InterruptedException {
        return brokerDone(clock, pid, BROKER_WAIT_LIMIT_NANOS);
    }

    /** As {@link #brokerDone(Timed.Clock, long)}; throws, saying why, if the broker never rests within the limit. */
    static Timed.Span brokerDone(Timed.Clock clock, long pid, long limitNanos) throws InterruptedException {
        Timed.Span last = clock.lap();
        long ran = onCpuNanos(pid);
        long start = System.nanoTime();
        long quietSince = start;
        while (System.nanoTime() - quietSince < BROKER_QUIET_NANOS) {
            if (System.nanoTime() - start > limitNanos) {
                throw new IllegalStateException("the broker (pid " + pid + ") did not rest for "
                        + TimeUnit.NANOSECONDS.toMillis(BROKER_QUIET_NANOS) + " ms within "
                        + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms of the collector's last acknowledgement: "
                        + "something else keeps it busy, and the run would count that work as the collector's");
            }
            Thread.sleep(1);
            long now = onCpuNanos(pid);
            if (now - ran >= BROKER_WAKE_NANOS) {
                last = clock.lap();
                quietSince = System.nanoTime();
            }
            ran = now;
        }
        return last;
    }

    private static long onCpuNanos(long pid) {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc/" + pid + "/schedstat")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the broker's time on a CPU from /proc/" + pid
                    + "/schedstat: the harness needs Linux, and a broker it started", e);
        }
    }

    private static String perMillion(Map<String, Double> spent, long readings) {
        StringBuilder parts = new StringBuilder();
        spent.forEach((part, seconds) -> parts.append(parts.isEmpty() ? "" : ", ").append(part).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.2f", seconds * 1e6 / readings)));
        return parts.toString();
    }

    /**
     * Waits for the collector's first upkeep (30 s after its start), which catches up on every hour not rolled up
     * yet: on a store the warm-up filled, several seconds of work. A collector that has run a while has had it, and
     * a timed run must not take it in by chance (it did, in one of three, at twice the CPU per reading).
     */
    void awaitFirstUpkeep() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (metric(get("/metrics").body(), "steward_store_upkeep_seconds_count") < 1) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the collector's first store upkeep did not end within 300 s");
            }
            Thread.sleep(200);
        }
    }

    /** How the store's transactions went, from the collector's own metrics: for reading a slow run. */
    String commits() throws Exception {
        String metrics = get("/metrics").body();
        double count = metric(metrics, "steward_store_commit_seconds_count");
        double sum = metric(metrics, "steward_store_commit_seconds_sum");
        double stored = metric(metrics, "steward_readings_stored_total");
        return String.format(java.util.Locale.ROOT, "%.0f transactions, %.1f ms and %.0f readings each on average",
                count, count == 0 ? 0 : 1000 * sum / count, count == 0 ? 0 : stored / count);
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /**
     * Stops the collector and ends its persistent session on the broker: otherwise the broker would go on queueing
     * every message of the later runs for it, work the bare subscriber's broker is spared.
     */
    @Override
    public void close() throws Exception {
        collector.stop().await(30, TimeUnit.SECONDS);
        vertx.close().await(30, TimeUnit.SECONDS);
        MqttClient cleaner = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectOptions clean = new MqttConnectOptions();
        clean.setCleanSession(true);
        cleaner.connect(clean);
        cleaner.disconnect();
        cleaner.close();
    }
}
