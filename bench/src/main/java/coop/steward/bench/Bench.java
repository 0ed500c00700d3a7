package coop.steward.bench;

import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Sharing;
import coop.steward.collector.store.EmbeddedStore;
import coop.steward.collector.store.InfluxReadingStore;
import coop.steward.collector.store.InfluxSettings;
import coop.steward.collector.store.SqliteReadingStore;
import coop.steward.protocol.ReadingsDecoder;
import coop.steward.testsupport.InfluxServer;
import coop.steward.testsupport.MosquittoBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark harness: in one run, measures each of Steward's performance targets beside a bare baseline of
 * its slowest real part, and writes docs/benchmarks.md. Usage: {@code bin/bench [--messages N] [--out FILE]}.
 */
public final class Bench {
    private static final Logger LOG = LoggerFactory.getLogger(Bench.class);
    private static final double TARGET_EFFICIENCY = 0.8;
    private static final double TARGET_EMBEDDED_RATE = 150_000;
    private static final double TARGET_QUERY_P95_MS = 50;
    /** Issue 15: on InfluxDB, at least half of what a bare writer of the same schema takes, and 300,000/s. */
    private static final double TARGET_INFLUX_OF_WRITER = 0.5;
    private static final double TARGET_INFLUX_RATE = 300_000;
    /** Issue 15: ingest reaches this share of what the machine's cores allow, on both stores. */
    private static final double TARGET_OF_CEILING = 0.85;
    /** Readings a transaction of the embedded store's bare writer. */
    private static final int BARE_WRITER_BATCH = 5_000;
    /** Issue 15: an alert within 20 ms of its reading's publication, at p99, under 10,000 readings/s. */
    private static final double TARGET_ALERT_P99_MS = 20;
    private static final int WARM_UP_MESSAGES = 60_000;
    /**
     * Each ingest rate on InfluxDB, and the minimal collector's on both stores, is the median of this many timed runs:
     * the bare parts' and the collector's alternate a round at a time, the minimal collector's come one after the
     * other.
     */
    private static final int TIMED_RUNS = 3;
    /**
     * The embedded store's bare parts and collector have more: their runs are a third as long as InfluxDB's, and the
     * medians of 3 still moved by a fifth from one --ingest-only run to the next.
     */
    private static final int EMBEDDED_TIMED_RUNS = 5;
    /**
     * The embedded store's untimed rounds go on until its JIT compilers spend less than this, in core-seconds per
     * million readings of a round (in which the load passes through the bare writer, the bare subscriber and the
     * collector), or until there have been {@link #MAX_UNTIMED_ROUNDS}.
     */
    private static final double QUIET_JIT = 0.1;
    private static final int MAX_UNTIMED_ROUNDS = 6;
    private static final String WATCH_COUNTED = " The harness's watch on the collector's count of readings stored, "
            + "every 2 ms, is counted with the publishers.";
    /** An agent runs for months: its footprint is measured once start-up is over, the idle JVM's likewise. */
    private static final int AGENT_WARM_UP_SECONDS = 60;
    /** Enough that p99 is the tenth-worst probe, not the second-worst (with 200 it swung from 21 to 64 ms). */
    private static final int ALERT_PROBES = 1_000;

    /** Measure only the embedded ingest, for profiling it. */
    private static boolean only;
    /** Measure only alert latency, for profiling it. */
    private static boolean onlyAlerts;
    private static int alertProbes = ALERT_PROBES;
    /** Run the collector without alert rules, to see what evaluating them costs. */
    private static boolean withoutAlerts;
    /** Measure only the dashboard in a browser. */
    private static boolean onlyDashboard;
    /** Measure only the collector-side MQTT clients. */
    private static boolean onlyClients;
    /** Measure only ingest into InfluxDB, beside the bare subscriber and InfluxDB's bare writer. */
    private static boolean onlyInflux;
    /** Measure only the bytes written to disk. */
    private static boolean onlyDiskWrites;
    /** Measure only a site's catch-up with its hub. */
    private static boolean onlyFederation;
    /** Measure only a hub of 1, 2 and 3 collectors at scale. */
    private static boolean onlyHub;
    /** How many hub sizes the scale benchmark runs, from one collector up (3 unless --hub-collectors). */
    private static int hubCollectors = 3;
    /** The agents' figures are of this long a window, after their warm-up, at the real pace. */
    private static final int AGENT_DISK_SECONDS = 300;
    /** How long the collector runs at the real pace, to show that its bytes per message do not depend on the pace. */
    private static final int REAL_PACE_MINUTES = 10;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = 20_000;
        Path out = Path.of("docs/benchmarks.md");
        boolean ingestOnly = false;
        boolean noAlerts = false;
        boolean alertsOnly = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--ingest-only" -> ingestOnly = true;
                case "--no-alerts" -> noAlerts = true;
                case "--alerts-only" -> alertsOnly = true;
                case "--probes" -> alertProbes = Integer.parseInt(args[++i]);
                case "--dashboard-only" -> onlyDashboard = true;
                case "--clients-only" -> onlyClients = true;
                case "--influx-only" -> onlyInflux = true;
                case "--disk-writes-only" -> onlyDiskWrites = true;
                case "--federation-only" -> onlyFederation = true;
                case "--hub-only" -> onlyHub = true;
                case "--hub-collectors" -> hubCollectors = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: bin/bench [--messages N] [--out FILE] [--ingest-only | --alerts-only [--probes N]] "
                            + "[--no-alerts] [--dashboard-only] [--clients-only] [--influx-only] [--disk-writes-only] "
                            + "[--federation-only] [--hub-only [--hub-collectors N]]");
                    System.exit(2);
                }
            }
        }
        only = ingestOnly;
        onlyAlerts = alertsOnly;
        withoutAlerts = noAlerts;
        boolean fullRun = !ingestOnly && !alertsOnly && !onlyDashboard && !onlyClients && !onlyInflux
                && !onlyDiskWrites && !onlyFederation && !onlyHub;
        if (fullRun || ingestOnly || onlyInflux || onlyClients) {
            String tooFarAhead = loadsTooFarAhead(messages, System.currentTimeMillis(), fullRun || onlyInflux);
            if (tooFarAhead != null) {
                System.err.println(tooFarAhead);
                System.exit(2);
            }
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "steward-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAndClean(work), "bench-stop-servers"));
        try {
            Report report = new Report();
            long t0 = embeddedStart(System.currentTimeMillis());
            String load = String.format(Locale.ROOT, "%,d readings as %,d QoS 1 messages of 50 from 20 parallel "
                    + "bare publishers, through Mosquitto on 127.0.0.1", messages * 50L, messages);
            run(report, work, messages, t0);
            report.write(out, load);
            LOG.info("Wrote {}", out.toAbsolutePath());
        } finally {
            delete(work);
        }
        System.exit(0);
    }

    /**
     * Stopped by Ctrl-C or kill, the harness would leave the brokers, InfluxDB, collectors and agents it started
     * running on their ports, and gigabytes of their data in its folder. On a normal end both are gone already and
     * this finds nothing.
     */
    private static void stopAndClean(Path work) {
        List<ProcessHandle> started = ProcessHandle.current().descendants().toList();
        started.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : started) {
            process.onExit().completeOnTimeout(process, 10, TimeUnit.SECONDS).join();
        }
        delete(work);
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not delete all of {} ({}); it holds only the harness's data", dir, e.toString());
        }
    }

    private static void run(Report report, Path work, int messages, long t0) throws Exception {
        if (onlyDashboard) {
            dashboard(report, work);
            return;
        }
        if (onlyClients) {
            intakeClients(report, work, messages, t0);
            return;
        }
        if (onlyFederation) {
            federation(report, work);
            return;
        }
        if (onlyHub) {
            hubScale(report, work);
            return;
        }
        try (MosquittoBroker broker = ingestBroker(work.resolve("mosquitto"));
             MosquittoBroker bare = ingestBroker(work.resolve("mosquitto-bare"))) {
            report.note("The harness's Mosquitto runs with the settings docs/deployment.md gives a collector's broker "
                    + "(max_queued_messages 10000000, max_queued_bytes 536870912, set_tcp_nodelay true), and "
                    + "max_inflight_messages 10000. The bare subscriber has a Mosquitto of its own with the same "
                    + "settings, so that its runs can alternate with the collector's, which stays subscribed to its "
                    + "own. With that window, the collector's transactions take up to "
                    + String.format(Locale.ROOT, "%,d readings on the embedded store (%,d in each of its %d "
                                    + "files) and %,d on InfluxDB",
                            SqliteReadingStore.READINGS_PER_WRITE * EmbeddedStore.NEW_FOLDER_STORES,
                            SqliteReadingStore.READINGS_PER_WRITE, EmbeddedStore.NEW_FOLDER_STORES,
                            InfluxReadingStore.READINGS_PER_WRITE)
                    + ", each store's own figure (deployment.md's window, 1,000 messages, holds 50,000 readings of "
                    + "this load's messages).");
            if (onlyAlerts) {
                alertLatency(report, work, broker);
                return;
            }
            if (onlyDiskWrites) {
                diskWrites(report, work, broker);
                return;
            }
            if (onlyInflux) {
                BareSubscriber.rate(bare.url(), warmUp(t0));
                influxIngest(report, work, broker, bare, messages,
                        influxStart(System.currentTimeMillis()));
                return;
            }
            embeddedIngest(report, work, broker, bare, messages, t0);
            if (only) {
                return;
            }
            // Current readings (the next hours'), as a live site sends: the collector rolls up readings that are too
            // late for InfluxDB's continuous query itself, which a bare writer would not.
            influxIngest(report, work, broker, bare, messages,
                    influxStart(System.currentTimeMillis()));
            query(report, work, broker);
            diskWrites(report, work, broker);
            alertLatency(report, work, broker);
            outboxReplay(report, work, broker);
            agentFootprint(report, work, broker);
            federation(report, work);
            hubScale(report, work);
        }
        if (!only && !onlyAlerts && !onlyDiskWrites) {
            intakeClients(report, work, messages, t0);
            dashboard(report, work);
        }
    }

    /**
     * A Mosquitto for the ingest loads, with the settings docs/deployment.md gives a collector's broker and a wide
     * in-flight window (the report's first note says so).
     */
    static MosquittoBroker ingestBroker(Path dir) {
        return MosquittoBroker.start(dir, "max_queued_messages 10000000", "max_queued_bytes 536870912",
                "max_inflight_messages 10000", "set_tcp_nodelay true");
    }

    /** Each collector-side MQTT client on a broker of its own, so no client's left-over session slows the next. */
    private static void intakeClients(Report report, Path work, int messages, long t0) throws Exception {
        Load load = ingestLoad(messages, t0 + 3 * 86_400_000L);
        List<IntakeClients.Result> results = new ArrayList<>();
        int n = 0;
        for (Supplier<IntakeClients.Subscriber> client : IntakeClients.all()) {
            try (MosquittoBroker broker = ingestBroker(work.resolve("mosquitto-client-" + n++))) {
                IntakeClients.Result result = IntakeClients.measure(client, broker.url(), broker.pid(),
                        warmUp(t0), load, TIMED_RUNS);
                LOG.info("{}: {} ({}; client / broker per million: {}), survives a fullwidth topic: {}, "
                        + "acknowledges past a message left unacknowledged: {}", result.name(),
                        Report.rate(result.timed().rate()), Timed.each(result.runs()), result.eachOwn(),
                        result.survivesPoisonedTopic(), result.acknowledgesPastALeftMessage());
                results.add(result);
            }
        }
        IntakeClients.Result ours = results.get(0);
        for (IntakeClients.Result result : results) {
            report.add(new Report.Row("collector-side MQTT client, QoS 1, acknowledged after a batch is taken: "
                    + result.name(), Report.rate(result.timed().rate()), result == ours ? ""
                    : "the collector's client: " + Report.rate(ours.timed().rate()),
                    result == ours ? "" : Report.ratio(result.timed().rate() / ours.timed().rate()), "",
                    String.format(Locale.ROOT, "%s; %s; %.2f core-seconds per million readings, of which the "
                                    + "client's side %.2f and its broker %.2f",
                            result.survivesPoisonedTopic() ? "reads on after a fullwidth topic"
                                    : "stops reading after a fullwidth topic",
                            result.acknowledgesPastALeftMessage() ? "acknowledges past a message left unacknowledged"
                                    : "holds every acknowledgement back behind a message left unacknowledged",
                            result.timed().cpuPerMillion(),
                            result.clientPerMillion(), result.brokerPerMillion())));
        }
        report.note(String.format(Locale.ROOT, "Each MQTT client is measured on a Mosquitto of its own, subscribed "
                + "with a persistent session to every device's readings at QoS 1; a writer thread takes what arrived "
                + "in batches of up to 5,000 and only then acknowledges each message, as the collector does after "
                + "its commit (the writer stores nothing: what differs is the client alone). In one session, a "
                + "warm-up load, then %d timed runs of the load, one after the other; each row gives their median "
                + "rate and the median CPU of the whole machine per million readings (the client, the broker and "
                + "the publishers together: on two shared cores, what a client costs per reading is taken from the "
                + "rest of the collector), and of that, the median of what the client's side alone spent (the "
                + "harness's process less its publishers' threads: the client's threads, the writer thread that "
                + "acknowledges, and the garbage collector behind them) and of what its broker spent, from "
                + "/proc/{pid}/stat. The collector runs the client on its ingest event loop, so that on two cores "
                + "what the client's side and its broker spend per reading is what the choice of client leaves to "
                + "the store; Vert.x's client is set up as the collector sets it up (the writes of one event-loop "
                + "task leave in one flush). After the load each is sent a topic with a fullwidth letter (U+FF44) and "
                + "then a plain one. Then each is sent two messages under a session of its own, leaves the first "
                + "unacknowledged and acknowledges the second, as the collector leaves a message it cannot confirm "
                + "yet (a site's forwarding log could not take its readings: the broker sends it again on the next "
                + "connection) and acknowledges the ones after it; it "
                + "hangs up, the session is taken up again, and the broker sends back either the first alone or "
                + "both (the client held the second's acknowledgement back behind the first). Each run, as rate "
                + "and core-seconds per million, then the client's side / its broker: %s.", TIMED_RUNS,
                results.stream().map(r -> r.name() + " " + Timed.each(r.runs()) + "; " + r.eachOwn())
                        .collect(Collectors.joining("; "))));
    }

    /** A site's catch-up with its hub after a day offline, beside the same day sent straight to a hub. */
    private static void federation(Report report, Path work) throws Exception {
        FederationCatchUp.Result straight = FederationCatchUp.straightToTheHub(work.resolve("federation-straight"));
        FederationCatchUp.Result limited = FederationCatchUp.afterADayOffline(work.resolve("federation-limited"),
                Sharing.DEFAULT_CATCH_UP_PER_SECOND);
        FederationCatchUp.Result unlimited = FederationCatchUp.afterADayOffline(work.resolve("federation-unlimited"),
                1_000_000);
        LOG.info("Federation: a day straight to a hub {} s; catch-up at the default rate {} s, unlimited {} s",
                straight.seconds(), limited.seconds(), unlimited.seconds());
        double allowed = (double) limited.readings() / Sharing.DEFAULT_CATCH_UP_PER_SECOND;
        report.add(new Report.Row(String.format(Locale.ROOT, "a site's catch-up with its hub after a day offline "
                        + "(small site, %,d readings), at the default catch-up rate", limited.readings()),
                String.format(Locale.ROOT, "%.1f s (%s)", limited.seconds(), Report.rate(limited.rate())),
                String.format(Locale.ROOT, "what %,d readings/s allows: %.1f s", Sharing.DEFAULT_CATCH_UP_PER_SECOND,
                        allowed), Report.ratio(limited.seconds() / allowed), "", ""));
        report.add(new Report.Row("the same catch-up with no rate limit (catchUpPerSecond 1000000)",
                String.format(Locale.ROOT, "%.1f s (%s)", unlimited.seconds(), Report.rate(unlimited.rate())),
                String.format(Locale.ROOT, "the same day published straight to a hub collector: %.1f s (%s)",
                        straight.seconds(), Report.rate(straight.rate())),
                Report.ratio(unlimited.rate() / straight.rate()), "", ""));
        report.note("Federation: a site collector and a hub collector, each its own process (bin/steward collector "
                + "--forward-to, --hub) with its own Mosquitto, the hub's broker reached through a TCP relay that is "
                + "cut while a day of the small site's messages (4 devices of 10 sensors, a message a minute each) "
                + "is stored at the site, each once the one before is stored; once every message is in the site's "
                + "forward.db the relay is mended, and the time is until the hub's collector has stored every "
                + "reading. The baseline publishes the same day's messages straight to a hub collector of its own, "
                + "all at once, and times until it has stored them: what the hub's own intake allows for them.");
    }

    /** The CPU a run kept busy, every process of the machine counted: where a two-core machine runs out. */
    private static String busy(double cores) {
        return String.format(Locale.ROOT, "%.2f of %d cores busy", cores, Timed.machineCores());
    }

    /** A hub of 1, 2 and 3 collectors taking 100 sites' live readings and a day's backlog from 100 devices. */
    private static void hubScale(Report report, Path work) throws Exception {
        HubScale.Result bare = HubScale.bare(work.resolve("scale-bare"));
        LOG.info("Hub at scale, bare subscriber: {} readings in {} s", bare.readings(), bare.seconds());
        List<HubScale.Result> hubs = new ArrayList<>();
        try (InfluxServer influx = InfluxServer.start(work.resolve("scale-influxdb"))) {
            for (int n = 1; n <= hubCollectors; n++) {
                HubScale.Result hub = HubScale.hub(work.resolve("scale-" + n), influx, n);
                LOG.info("Hub of {}: {} readings in {} s, {} cores busy; core-seconds per million readings: {}", n,
                        hub.readings(), hub.seconds(), hub.coresBusy(), PartsCpu.perMillion(hub.parts(),
                                hub.readings()));
                hubs.add(hub);
            }
        }
        LOG.info("Hub at scale: bare subscriber {}; hubs {}", Report.rate(bare.rate()),
                hubs.stream().map(h -> h.collectors() + ": " + Report.rate(h.rate())).toList());
        report.add(new Report.Row(String.format(Locale.ROOT, "a hub's broker alone: %,d sites' live readings and a "
                        + "day's backlog from %,d devices at once (%,d readings) to a bare QoS 1 subscriber",
                HubScale.SITES, HubScale.SITES, bare.readings()), String.format(Locale.ROOT, "%.1f s (%s)",
                bare.seconds(), Report.rate(bare.rate())), "", "", "", busy(bare.coresBusy()) + "; core-seconds "
                + "per million readings: " + PartsCpu.perMillion(bare.parts(), bare.readings())));
        HubScale.Result one = hubs.get(0);
        for (HubScale.Result hub : hubs) {
            report.add(new Report.Row(String.format(Locale.ROOT, "the same into a hub of %d collector%s (one hub "
                                    + "group, shared subscriptions, one InfluxDB)", hub.collectors(),
                            hub.collectors() == 1 ? "" : "s"),
                    String.format(Locale.ROOT, "%.1f s (%s)", hub.seconds(), Report.rate(hub.rate())),
                    "the bare subscriber: " + Report.rate(bare.rate())
                            + (hub == one ? "" : "; one collector: " + Report.rate(one.rate())),
                    Report.ratio(hub.rate() / bare.rate()) + (hub == one ? ""
                            : " (" + Report.ratio(hub.rate() / one.rate()) + " of one)"), "",
                    busy(hub.coresBusy()) + "; core-seconds per million readings: "
                            + PartsCpu.perMillion(hub.parts(), hub.readings())));
        }
        report.note("Hub at scale: 100 sites of 10 devices of 8 soil sensors; nine devices of each site send a "
                + "message of their 8 readings a minute at the real pace, spread over the minute, while the tenth "
                + "of every site, 100 devices at once, replays the previous day, 6 minutes (48 readings) to a "
                + "message, each from its own MQTT client. Every device behaves as an agent: a message stays "
                + "unconfirmed until the hub's readings/ack names it, and is sent again after 10 s without one "
                + "(an agent's default is 30 s); a replaying device keeps at most 100 unconfirmed. The hub is 1, "
                + "2 or 3 collector processes started with --hub --hub-group bench --influxdb on one Mosquitto and "
                + "one InfluxDB 1.6 (a database per run), all on this machine's two cores; the time runs from the "
                + "first backlog message until the hub has confirmed all of it and every live message sent "
                + "meanwhile. Before it, untimed, as a hub that has run for a while: each tenth device replays the "
                + "day before, and the run waits until every collector's first store upkeep (30 s after its start) "
                + "is over, so that the timed run measures compiled code, as the ingest rows do. "
                + "The bare subscriber takes the same traffic on a Mosquitto of its own, counts the readings and "
                + "confirms each message at once (QoS 0). The last column also gives the CPU each part spent "
                + "(user and system time of its processes, /proc/{pid}/stat) per million readings. Each figure is "
                + "the median of " + HubScale.RUNS + " timed runs, one after the other, each with a replaying "
                + "device new to the hub in every site; each run's rate: " + Stream.concat(Stream.of(bare),
                        hubs.stream()).map(h -> (h.collectors() == 0 ? "bare subscriber" : h.collectors()
                        + " collector" + (h.collectors() == 1 ? "" : "s")) + " " + h.runs().stream()
                        .map(r -> Report.rate(r.rate())).collect(Collectors.joining(", ")))
                        .collect(Collectors.joining("; "))
                + ". A site's catch-up after a day offline is the federation rows above.");
    }

    private static void dashboard(Report report, Path work) throws Exception {
        DashboardSpeed.Result r;
        try (DashboardSpeed speed = DashboardSpeed.start(work.resolve("dashboard"))) {
            r = speed.measure();
        }
        report.add(new Report.Row("dashboard: overview's data on screen after a fresh load, demo with 60 days (median)",
                Report.ms(r.overviewMs()), "a small static file from the same server: " + Report.ms(r.staticPageMs()),
                Report.ratio(r.overviewMs() / r.staticPageMs()), "< 1 s", Report.verdict(r.overviewMs() < 1_000)));
        report.add(new Report.Row(String.format(Locale.ROOT, "dashboard: plot view redrawn for a year, %,d points "
                        + "(median)", r.yearPoints()), Report.ms(r.yearRedrawMs()),
                "the same view for 24 hours: " + Report.ms(r.dayRedrawMs()),
                Report.ratio(r.yearRedrawMs() / r.dayRedrawMs()), "< 300 ms", Report.verdict(r.yearRedrawMs() < 300)));
        report.add(new Report.Row("dashboard: the page's own JavaScript and CSS, compressed",
                String.format(Locale.ROOT, "%.1f KB", r.ownBytes() / 1000.0),
                String.format(Locale.ROOT, "the chart library (uPlot): %.1f KB", r.chartLibraryBytes() / 1000.0),
                Report.ratio((double) r.ownBytes() / r.chartLibraryBytes()), "< 150 KB",
                Report.verdict(r.ownBytes() < 150_000)));
        report.note("The dashboard is measured in Debian's headless Chromium at 1,400 x 900 against bin/steward demo "
                + "in its own process, first started on a fresh folder (so with its 60 days of history), over "
                + "127.0.0.1; times are from the browser's Performance API, the median of 7 runs after one untimed "
                + "run. \"On screen\" is the moment the view's data and charts are drawn (the steward:view-ready mark); "
                + "a redraw is from the click on a range to that mark. Sizes are the compressed bytes received.");
    }

    /** The embedded store's ingest (and the clients') sends readings of a month ago, which no other run uses. */
    static long embeddedStart(long now) {
        return now - 30L * 86_400_000L;
    }

    /** The ingest rows' load: {@code messages} of 50 readings from 20 devices. */
    static Load ingestLoad(int messages, long t0) {
        return new Load(20, messages, 50, t0);
    }

    /** InfluxDB's ingest sends current readings, from the next whole hour on. */
    static long influxStart(long now) {
        return (now / 3_600_000L + 1) * 3_600_000L;
    }

    /** Issue 15 asks for nothing lost at 3 million readings: the timed load is three times the embedded one. */
    static Load influxLoad(int messages, long t0) {
        return ingestLoad(messages * 3, t0);
    }

    /**
     * Null when every ingest load of {@code messages} a run sends is within the 24 hours ahead that the protocol
     * accepts, otherwise what to do instead: a load beyond it would be refused reading by reading, and the run wait
     * 300 s for it. The embedded store's loads (and the clients' one) start 30 days back and move on with each
     * untimed and timed round; InfluxDB's, when {@code influx}, are current readings from the next whole hour on.
     */
    static String loadsTooFarAhead(int messages, long now, boolean influx) {
        // InfluxDB's runs start minutes after this, at any minute of an hour: the first is the tightest.
        long worst = now / 3_600_000L * 3_600_000L + 1;
        long limit = worst + ReadingsDecoder.MAX_FUTURE.toMillis();
        if (newestReading(messages, worst, influx) <= limit) {
            return null;
        }
        int fits = 0; // the most that fits: the newest reading only grows with the messages
        for (int low = 1, high = messages - 1; low <= high; ) {
            int middle = (low + high) >>> 1;
            if (newestReading(middle, worst, influx) <= limit) {
                fits = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return String.format(Locale.ROOT, "--messages %,d: the ingest runs' last loads would send readings more than "
                + "%d hours ahead, which the protocol refuses. Use --messages %,d or fewer.", messages,
                ReadingsDecoder.MAX_FUTURE.toHours(), fits);
    }

    private static long newestReading(int messages, long now, boolean influx) {
        Load embedded = ingestLoad(messages, embeddedStart(now));
        for (int i = 1; i < MAX_UNTIMED_ROUNDS + EMBEDDED_TIMED_RUNS; i++) {
            embedded = embedded.next();
        }
        if (!influx) {
            return embedded.newest();
        }
        Load influxLoad = influxLoad(messages, influxStart(now));
        for (int i = 0; i < TIMED_RUNS; i++) {
            influxLoad = influxLoad.next();
        }
        return Math.max(embedded.newest(), influxLoad.newest());
    }

    /** @param bare the bare subscriber's broker, where it has already been warmed up */
    private static void influxIngest(Report report, Path work, MosquittoBroker broker, MosquittoBroker bare,
                                     int messages, long t0) throws Exception {
        Load load = influxLoad(messages, t0);
        Load warmUp = warmUp(t0);
        try (InfluxServer influx = InfluxServer.start(work.resolve("influxdb"))) {
            InfluxBareWriter.rate(influx.url(), "bare", warmUp, 5_000);
            MinimalCollector.Store minimal = MinimalCollector.intoInflux(influx.url(), "minimal");
            MinimalCollector.rate(broker.url(), warmUp, minimal);
            MinimalCollector.rate(broker.url(), load, minimal); // as the collector's, below
            List<Timed> minimalRuns = timeRuns(load.next(), timed -> MinimalCollector.rate(broker.url(), timed,
                    minimal));
            LOG.info("Minimal collector, InfluxDB: {}", Timed.each(minimalRuns));
            List<Timed> writerRuns;
            List<Timed> subscriberRuns;
            List<Timed> collectorRuns;
            List<Map<String, Double>> cpuEach;
            List<CollectorRun.Phases> phases;
            List<Long> keptEach = new ArrayList<>();
            try (CollectorRun run = new CollectorRun(broker.url(), work.resolve("collector-influx"),
                    s -> s.withInflux(InfluxSettings.parse(influx.url() + "/steward", null, null)))) {
                run.ingestRate(broker, warmUp);
                run.awaitFirstUpkeep();
                // One untimed round of the timed load itself. The embedded store's runs have more, until the JIT
                // compilers are quiet; these loads are current readings and cannot move further ahead.
                InfluxBareWriter.rate(influx.url(), "bare", load, 5_000);
                BareSubscriber.rate(bare.url(), load);
                run.ingestRate(broker, load);
                Load next = load.next();
                Map<String, List<Long>> servers = new LinkedHashMap<>();
                servers.put("InfluxDB", List.of(influx.pid()));
                servers.put("Mosquitto", List.of(broker.pid()));
                run.countCpu(servers);
                // The bare parts' runs alternate with the collector's, a round at a time: this machine's speed
                // changed by a quarter from one minute to the next, and a ratio of runs minutes apart measured
                // that as much as any of them. The collector, connected meanwhile, has nothing to read.
                writerRuns = new ArrayList<>();
                subscriberRuns = new ArrayList<>();
                collectorRuns = new ArrayList<>();
                for (int i = 0; i < TIMED_RUNS; i++) {
                    quiet();
                    writerRuns.add(InfluxBareWriter.rate(influx.url(), "bare", next, 5_000));
                    quiet();
                    subscriberRuns.add(BareSubscriber.rate(bare.url(), next));
                    long before = InfluxBareWriter.count(influx.url(), "steward");
                    quiet();
                    collectorRuns.add(run.ingestRate(broker, next));
                    keptEach.add(InfluxBareWriter.count(influx.url(), "steward") - before);
                    next = next.next();
                }
                cpuEach = run.cpuEach();
                phases = run.phasesEach();
            }
            Timed bareWriter = Timed.median(writerRuns);
            double writer = bareWriter.rate();
            LOG.info("InfluxDB bare writer: {} ({})", Report.rate(writer), Timed.each(writerRuns));
            Timed subscriber = Timed.median(subscriberRuns);
            LOG.info("Bare subscriber, InfluxDB's load: {} ({})", Report.rate(subscriber.rate()),
                    Timed.each(subscriberRuns));
            List<PublishersAlone.Cost> publisherRuns = new ArrayList<>();
            List<PublishersAlone.Cost> pahoRuns = new ArrayList<>();
            // Untimed first: the bare publishers' code is compiled by now, and Paho's would not be.
            PublishersAlone.measurePaho(work.resolve("paho-alone-warm-up"), load);
            for (int i = 0; i < TIMED_RUNS; i++) {
                publisherRuns.add(PublishersAlone.measure(work.resolve("publishers-alone-" + i), load));
                pahoRuns.add(PublishersAlone.measurePaho(work.resolve("paho-alone-" + i), load));
            }
            double publishers = Timed.middle(publisherRuns.stream().mapToDouble(PublishersAlone.Cost::publishers));
            double publishersBroker = Timed.middle(publisherRuns.stream().mapToDouble(PublishersAlone.Cost::broker));
            LOG.info("The harness's publishers alone: {} core-seconds per million readings, Mosquitto taking them {}",
                    publishers, publishersBroker);
            long kept = Collections.min(keptEach);
            Timed timed = Timed.median(collectorRuns);
            double collector = timed.rate();
            LOG.info("Collector, InfluxDB: {} ({}), at least {} of {} readings in InfluxDB in each run",
                    Report.rate(collector), Timed.each(collectorRuns), kept, load.readings());
            double slower = Math.min(subscriber.rate(), writer);
            double efficiency = collector / slower;
            report.add(new Report.Row("InfluxDB alone: one bare writer, 5,000 points a request",
                    Report.rate(writer), "", "", "", ""));
            report.add(new Report.Row("ingest end to end, InfluxDB (efficiency)", Report.rate(collector),
                    "slower bare part: " + Report.rate(slower), Report.ratio(efficiency, TARGET_EFFICIENCY), ">= 0.8",
                    Report.verdict(efficiency >= TARGET_EFFICIENCY)));
            report.add(new Report.Row("ingest end to end, InfluxDB, against its bare writer", Report.rate(collector),
                    "bare writer, same schema: " + Report.rate(writer),
                    Report.ratio(collector / writer, TARGET_INFLUX_OF_WRITER), ">= 0.5",
                    Report.verdict(collector / writer >= TARGET_INFLUX_OF_WRITER)));
            double ceiling = ceilingOf(subscriberRuns, writerRuns);
            report.add(new Report.Row("ingest end to end, InfluxDB (absolute)", Report.rate(collector),
                    "Node-RED 5 + node-red-contrib-influxdb on this machine (issue 15): 107,739 readings/s", "",
                    ">= 300,000 readings/s", Report.verdict(collector >= TARGET_INFLUX_RATE)
                            + (collector < TARGET_INFLUX_RATE ? "; " + rateBounds(timed, TARGET_INFLUX_RATE, ceiling, publishers) : "")));
            report.add(new Report.Row(String.format(Locale.ROOT, "readings in InfluxDB after %,d sent through the "
                    + "collector (the fewest of %d runs)", load.readings(), TIMED_RUNS),
                    String.format(Locale.ROOT, "%,d", kept), "", "", "all of them",
                    Report.verdict(kept == load.readings())));
            ceiling(report, "InfluxDB", subscriberRuns, writerRuns, minimalRuns, collectorRuns, slower);
            report.note("InfluxDB is Debian's 1.6.7, started by the harness on a free port with its data in a "
                    + "temporary folder; its ingest uses fresh identities, current readings (the next hours'), written by "
                    + "the bare writer and the collector alike as measurement reading in retention policy raw, tags "
                    + "device, kind, sensor, site and unit, one field value. Its timed load is three times the "
                    + "embedded store's, and what reached InfluxDB is counted there (count(value) of raw.reading). "
                    + "The bare parts' timed runs alternate with the collector's, a round of the three at a time "
                    + "(bare writer, bare subscriber with the same load, collector; then again), so that each round "
                    + "meets the machine in the same spell; the minimal collector's come before them.");
            report.note(whereTheCpuWent("the InfluxDB collector runs'", collectorRuns, cpuEach) + WATCH_COUNTED);
            report.note(howTheRunsDivided("the InfluxDB collector runs", phases));
            report.note(String.format(Locale.ROOT, "The harness's publishers alone (20 bare MQTT 3.1.1 publishers "
                    + "that stand in for a site's devices, in the harness's process: one connection each, QoS 1, at "
                    + "most 500 messages unacknowledged, every packet encoded before the clock starts): the same timed "
                    + "load published %d times to a Mosquitto of their own with no subscriber, the CPU of the "
                    + "harness's process and of that Mosquitto from /proc/{pid}/stat (user and system time, without "
                    + "the kernel's interrupt work that the whole machine's count includes); core-seconds per million "
                    + "readings, harness / Mosquitto, each run: %s. The same load from 20 Paho 1.2.5 clients (the "
                    + "agents' client), after one untimed run, in runs that alternate with those, each run: %s. The "
                    + "harness published with such Paho clients before commit 13e9786, in every ingest row: rates "
                    + "measured before it are not comparable with these.",
                    TIMED_RUNS, costs(publisherRuns), costs(pahoRuns)));
        }
    }

    private static void alertLatency(Report report, Path work, MosquittoBroker broker) throws Exception {
        Path dir = Files.createDirectories(work.resolve("collector-alerts"));
        try (CollectorProcess collector = CollectorProcess.start(broker.url(), dir.resolve("data"),
                dir.resolve("collector.log"))) {
            AlertLatency.Result result = AlertLatency.measure(collector, broker.url(), 10_000, alertProbes);
            LOG.info("Alert latency p50 {} p99 {}; broker p50 {} p99 {}", result.alert().p50(), result.alert().p99(),
                    result.broker().p50(), result.broker().p99());
            report.add(new Report.Row("alert latency: publish -> alert event on SSE, under 10,000 readings/s "
                    + "(p50 / p99)", Report.ms(result.alert().p50()) + " / " + Report.ms(result.alert().p99()),
                    "broker to a bare subscriber: " + Report.ms(result.broker().p50()) + " / "
                            + Report.ms(result.broker().p99()),
                    Report.ratio(result.alert().p99() / result.broker().p99()), "p99 <= 20 ms",
                    Report.verdict(result.alert().p99() <= TARGET_ALERT_P99_MS)));
            report.note(String.format(Locale.ROOT, "Alert latency is timed from a probe's publish to its alert "
                    + "event on the SSE stream of bin/steward collector, its own process on the embedded store, "
                    + "while 20 devices send 10,000 normal readings a "
                    + "second; each of the %,d probes is a soil-moisture reading of 95 %% on a device of its own, which had"
                    + " sent one normal reading before the load started, so that the alert is raised on a sensor the "
                    + "collector knows. The baseline is the same probe's trip to a bare subscriber of the same "
                    + "broker. Each is timed on the thread that reads it: the subscriber's, and for the stream a "
                    + "thread reading a socket of its own (before commit db85b3d, the JDK's HttpClient, which hands "
                    + "what it reads to another thread).", alertProbes));
        }
    }

    private static void outboxReplay(Report report, Path work, MosquittoBroker broker) throws Exception {
        Load load = new Load(20, 4_000, 50, System.currentTimeMillis() - 10L * 86_400_000L);
        double replay;
        double ingest;
        try (CollectorRun run = new CollectorRun(broker.url(), work.resolve("collector-replay"), s -> s)) {
            ingest = run.ingestRate(broker, load).rate();
            replay = OutboxReplay.rate(Files.createDirectories(work.resolve("replay-agent")), broker.url(), 400_000, 8);
        }
        LOG.info("Outbox replay: {}; collector ingest beside it {}", Report.rate(replay), Report.rate(ingest));
        report.add(new Report.Row("outbox replay after an outage: 400,000 readings, 8 a message, one agent",
                Report.rate(replay), "collector ingest from 20 bare publishers: " + Report.rate(ingest),
                Report.ratio(replay / ingest), ">= 20,000 readings/s", Report.verdict(replay >= 20_000)));
    }

    private static void agentFootprint(Report report, Path work, MosquittoBroker broker) throws Exception {
        Path dir = Files.createDirectories(work.resolve("footprint"));
        AgentFootprint.Usage idle = AgentFootprint.idleJvm(dir, AGENT_WARM_UP_SECONDS, 60);
        AgentFootprint.Usage agent = AgentFootprint.agent(dir, broker.url(), AGENT_WARM_UP_SECONDS, 60);
        LOG.info("Agent footprint: {} MiB, {} % of a core; idle JVM {} MiB, {} %", agent.rssMiB(),
                agent.cpuPercentOfOneCore(), idle.rssMiB(), idle.cpuPercentOfOneCore());
        report.add(new Report.Row("edge agent, 8 sensors at 1 Hz: resident memory",
                String.format(Locale.ROOT, "%.1f MiB", agent.rssMiB()),
                String.format(Locale.ROOT, "idle JVM, same flags: %.1f MiB", idle.rssMiB()),
                Report.ratio(agent.rssMiB() / idle.rssMiB()), "<= 64 MiB", Report.verdict(agent.rssMiB() <= 64)));
        report.add(new Report.Row("edge agent, 8 sensors at 1 Hz: CPU over a minute",
                String.format(Locale.ROOT, "%.2f %% of one core", agent.cpuPercentOfOneCore()),
                String.format(Locale.ROOT, "idle JVM, same flags: %.2f %%", idle.cpuPercentOfOneCore()), "",
                "<= 1 % of one core", Report.verdict(agent.cpuPercentOfOneCore() <= 1.0)));
        report.note("The agent runs as its own process with the JVM flags of its systemd unit ("
                + AgentFootprint.unitSettings() + "), measured from /proc after a " + AGENT_WARM_UP_SECONDS
                + " s warm-up (its JIT compiler is still at work for most of the first minute); "
                + "CPU is utime+stime over 60 s. On this machine, not a Raspberry Pi.");
    }

    /** One timed ingest of a load. */
    private interface TimedRun {
        Timed time(Load load) throws Exception;
    }

    /**
     * The timed runs of a load, one after the other: the load itself, then the same load again with later times,
     * each with fresh identities.
     */
    private static List<Timed> timeRuns(Load load, TimedRun run) throws Exception {
        List<Timed> runs = new ArrayList<>();
        Load next = load;
        for (int i = 0; i < TIMED_RUNS; i++) {
            runs.add(run.time(next));
            next = next.next();
        }
        return runs;
    }

    /** @param bare the bare subscriber's broker, which no collector uses */
    private static void embeddedIngest(Report report, Path work, MosquittoBroker broker, MosquittoBroker bare,
                                       int messages, long t0) throws Exception {
        Load load = ingestLoad(messages, t0);
        Load warmUp = warmUp(t0);
        List<Timed> minimalRuns;
        try (SqliteReadingStore store = SqliteReadingStore.open(work.resolve("minimal-sqlite"))) {
            MinimalCollector.rate(broker.url(), warmUp, MinimalCollector.into(store));
            MinimalCollector.rate(broker.url(), load, MinimalCollector.into(store)); // untimed, as on InfluxDB
            minimalRuns = timeRuns(load.next(), timed -> MinimalCollector.rate(broker.url(), timed,
                    MinimalCollector.into(store)));
        }
        LOG.info("Minimal collector, embedded store: {}", Timed.each(minimalRuns));
        List<Timed> subscriberRuns = new ArrayList<>();
        List<Timed> writerRuns = new ArrayList<>();
        List<Timed> collectorRuns = new ArrayList<>();
        List<Map<String, Double>> subscriberCpu = new ArrayList<>();
        List<Map<String, Double>> collectorCpu;
        List<CollectorRun.Phases> collectorPhases;
        int untimedRounds = 0;
        double lastRoundJit;
        StoreFiles files;
        try (EmbeddedStore store = EmbeddedStore.open(work.resolve("bare-sqlite"));
             CollectorRun run = new CollectorRun(broker.url(), work.resolve("collector-sqlite"), s -> withoutAlerts
                     ? s.with(CollectorConfig.parse("alerts:\n  defaults: []\n", "no-alerts.yaml")) : s)) {
            files = StoreFiles.of(store, load);
            int bareBatch = BARE_WRITER_BATCH * store.stores(); // as many readings in each file as with one
            BareSubscriber.rate(bare.url(), warmUp);
            StoreWriter.rate(store, warmUp, bareBatch);
            run.ingestRate(broker, warmUp);
            run.awaitFirstUpkeep();
            // Untimed rounds of the timed load itself, until the JIT compilers are quiet. The warm-up's readings are
            // two days old, and after it alone the JIT compilers still took 0.7 to 1.0 core-seconds per million
            // readings in the first timed collector run. After one round they still took 0.1 to 0.3 in most timed
            // runs: code that runs once a transaction (about 30 a run) reaches the C2 compiler's thresholds only
            // after several runs (-XX:+PrintCompilation showed BatchWriter.readings, MqttIngest.committed and
            // AlertVerticle.committed compiled at the last tier during the second timed run).
            Load next = load;
            do {
                Map<String, Long> jitBefore = RunCpu.jitTicks();
                StoreWriter.rate(store, next, bareBatch);
                BareSubscriber.rate(bare.url(), next);
                run.ingestRate(broker, next);
                lastRoundJit = RunCpu.jitSecondsSince(jitBefore) * 1e6 / next.readings();
                untimedRounds++;
                next = next.next();
                LOG.info("Embedded store: untimed round {}, the JIT compilers spent {} core-seconds per million "
                        + "readings", untimedRounds, String.format(Locale.ROOT, "%.2f", lastRoundJit));
            } while (lastRoundJit >= QUIET_JIT && untimedRounds < MAX_UNTIMED_ROUNDS);
            if (lastRoundJit >= QUIET_JIT) {
                LOG.warn("Embedded store: the JIT compilers were still busy after {} untimed rounds", untimedRounds);
            }
            run.countCpu(Map.of("the collector's Mosquitto", List.of(broker.pid()))); // where each run's CPU went
            LOG.info("Embedded store: warmed up; timing {} readings, a round of the bare writer, the bare subscriber "
                    + "and the collector at a time", load.readings());
            // A round at a time, as InfluxDB's runs: a ratio of runs minutes apart measures the machine's drift
            // (a quarter from one minute to the next) as much as any of them.
            for (int i = 0; i < EMBEDDED_TIMED_RUNS; i++) {
                quiet();
                writerRuns.add(StoreWriter.rate(store, next, bareBatch));
                quiet();
                subscriberRuns.add(BareSubscriber.rate(bare.url(), next,
                        Map.of("the bare subscriber's Mosquitto", List.of(bare.pid())), subscriberCpu));
                quiet();
                collectorRuns.add(run.ingestRate(broker, next));
                next = next.next();
            }
            collectorCpu = run.cpuEach();
            collectorPhases = run.phasesEach();
        }
        Timed bareSubscriber = Timed.median(subscriberRuns);
        double subscriber = bareSubscriber.rate();
        LOG.info("Bare subscriber: {}, {} cores busy ({})", Report.rate(subscriber), bareSubscriber.coresBusy(),
                Timed.each(subscriberRuns));
        double writer = Timed.median(writerRuns).rate();
        LOG.info("Bare SQLite writer: {} ({})", Report.rate(writer), Timed.each(writerRuns));
        Timed timed = Timed.median(collectorRuns);
        double collector = timed.rate();
        LOG.info("Collector, embedded store: {}, {} cores busy ({})", Report.rate(collector), timed.coresBusy(),
                Timed.each(collectorRuns));
        report.note(String.format(Locale.ROOT, "Every ingest rate, bare or Steward's, is timed after an untimed "
                + "warm-up of %,d readings (two days old) through the same path, then untimed runs of the timed load "
                + "itself. On the embedded store the bare writer, the bare subscriber and the collector have rounds "
                + "of them (a run each) until the JIT compilers are quiet: until a round in which they spent less "
                + "than %.2f core-seconds per million readings, or %d rounds. Here there were %d, the last with "
                + "%.2f. Code that runs once a transaction, a few dozen times a run, reaches the JIT's last tier "
                + "only after several rounds: after one, the JIT compilers still took 0.1 to 0.3 core-seconds per "
                + "million readings in most timed collector runs. The minimal collector, and every part on "
                + "InfluxDB, have one untimed run: InfluxDB's loads are current readings, and with the default load "
                + "its last timed run already reaches most of the way to the 24 hours ahead that the protocol "
                + "allows. So each rate measures compiled "
                + "code, as in a collector that has been running for a while (the collector's first store upkeep, 30 "
                + "s after its start, is over too). The harness waits a second before each timed run, so that what "
                + "the run before left to background threads (SQLite's checkpoints, InfluxDB's cache snapshots) is "
                + "not counted in it. The bare writer's clock stops when its last transaction is committed; the "
                + "bare subscriber's when the broker answers a PINGREQ it sends behind its last acknowledgement "
                + "(the broker reads a connection's packets in order); the collector's once its own count of "
                + "readings stored (steward_readings_stored_total, read in the harness's process every 2 ms) "
                + "reaches the load's, it holds no message unacknowledged, and the broker's process has done no "
                + "work for 20 ms (the clock is read at the last work it did). Mosquitto reads one packet of a "
                + "connection per turn of its loop, beside every other connection's: when the bare subscriber's "
                + "last message arrived it still had thousands of its acknowledgements to read, 0.16 to 0.22 "
                + "core-seconds per million readings of work that runs whose clocks stopped there left out. Each "
                + "is the median of %d timed runs of the same load "
                + "(%d on InfluxDB, whose runs are three times as long, and %d of the minimal collector's; fresh "
                + "identities each time), and so is each CPU figure: single runs of the same thing on "
                + "this virtual machine differed by a quarter and more (a collector's CPU per reading by half from "
                + "one run to the next). So the "
                + "bare writer's, the bare subscriber's and the collector's runs alternate, a round of the three at "
                + "a time, each round in the same spell of the machine's; the minimal collector's come before them. "
                + "The harness runs in one JVM (%s), whose heap the in-process collector shares with the bare parts "
                + "and the timed loads' prepared messages, hundreds of MB that come and go. %s A collector "
                + "that bin/steward starts holds no such loads; its heap is the JVM's default, at most a quarter of "
                + "the machine's memory.", warmUp.readings(), QUIET_JIT, MAX_UNTIMED_ROUNDS, untimedRounds,
                lastRoundJit,
                EMBEDDED_TIMED_RUNS, TIMED_RUNS, TIMED_RUNS, heapSettings(),
                heapFixed() ? "bin/bench fixes that heap's size and touches it at start: a heap that grew and shrank "
                        + "with those loads charged page faults and the garbage collector's resizing to whichever "
                        + "threads allocated, the collector's most."
                        : "Run this way, the heap grows and shrinks with those loads, and page faults and the garbage "
                        + "collector's resizing are charged to whichever threads allocate, the collector's most: "
                        + "bin/bench fixes its size and touches it at start."));
        double slower = Math.min(subscriber, writer);
        double efficiency = collector / slower;
        report.add(new Report.Row("broker alone: a bare QoS 1 subscriber", Report.rate(subscriber), "", "", "", ""));
        report.add(new Report.Row(String.format(Locale.ROOT, "embedded store alone: a bare writer, %,d readings a "
                + "transaction in each of its %d SQLite files", BARE_WRITER_BATCH, files.count()),
                Report.rate(writer), "", "", "", ""));
        report.add(new Report.Row("ingest end to end, embedded store (efficiency)", Report.rate(collector),
                "slower bare part: " + Report.rate(slower), Report.ratio(efficiency, TARGET_EFFICIENCY), ">= 0.8",
                Report.verdict(efficiency >= TARGET_EFFICIENCY)));
        report.add(new Report.Row("ingest end to end, embedded store (absolute)", Report.rate(collector), "", "",
                ">= 150,000 readings/s", Report.verdict(collector >= TARGET_EMBEDDED_RATE)));
        ceiling(report, "embedded store", subscriberRuns, writerRuns, minimalRuns, collectorRuns, slower);
        report.note(writers(files, load, writerRuns, collectorRuns));
        report.note(whereTheCpuWent("the embedded store's bare subscriber runs'", subscriberRuns, subscriberCpu)
                + " The bare subscriber's reader is a thread of the harness, counted with the publishers; the "
                + "collector's threads are those of the collector that idles meanwhile.");
        report.note(whereTheCpuWent("the embedded store's collector runs'", collectorRuns, collectorCpu)
                + WATCH_COUNTED);
        report.note(howTheRunsDivided("the embedded store's collector runs", collectorPhases));
        report.note("The minimal collector is the issue's short script in Java, run on the same broker as the "
                + "collector: the collector's MQTT client (Vert.x, QoS 1, a clean session) and one writer thread "
                + "that takes up to 100 messages (5,000 readings), decodes them with Jackson's tree model, writes "
                + "them (into one SQLite file of Steward's embedded store, or as line protocol of the same schema in "
                + "one request to InfluxDB) and only then acknowledges them; no alerts, no checks of what it is sent, no acks to "
                + "agents. It keeps one promise of Steward's, nothing acknowledged before it is stored, and shows "
                + "how much of the cores' bound a pipeline with nothing else reaches on this machine.");
    }

    /** How many SQLite files the embedded store spreads its devices over, and how many of the load's went to each. */
    private record StoreFiles(int count, int[] devices) {
        static StoreFiles of(EmbeddedStore store, Load load) {
            int[] devices = new int[store.stores()];
            for (int p = 0; p < load.publishers(); p++) {
                devices[store.shardOf(Load.SITE, Load.device(p))]++;
            }
            return new StoreFiles(store.stores(), devices);
        }
    }

    /** What the ceiling does not know of: how the embedded store's writes divide between threads. */
    private static String writers(StoreFiles files, Load load, List<Timed> writerRuns, List<Timed> collectorRuns) {
        Timed writer = Timed.median(writerRuns);
        Timed collector = Timed.median(collectorRuns);
        return String.format(Locale.ROOT, "The embedded store keeps each device's readings in one of %d SQLite files "
                        + "(docs/reliability.md), and a write of several files' devices writes to each on a thread of "
                        + "its own: SQLite takes one writer a file, and with one file its writer was the collector's "
                        + "bound, one core's worth of inserts while the other core had time to spare. The load's %d "
                        + "devices went %s. The bare writer writes through the same store, %,d readings a "
                        + "transaction in each file, and reached %s with %.2f of %d cores busy; the collector's "
                        + "transactions take up to %,d readings (%,d in each file), and it reached %.2f of the bare "
                        + "writer's rate.",
                files.count(), load.publishers(), Arrays.stream(files.devices()).mapToObj(Integer::toString)
                        .collect(Collectors.joining(" and ")), BARE_WRITER_BATCH, Report.rate(writer.rate()),
                writer.coresBusy(), Timed.machineCores(), SqliteReadingStore.READINGS_PER_WRITE * files.count(),
                SqliteReadingStore.READINGS_PER_WRITE, collector.rate() / writer.rate());
    }

    /**
     * The collector does at least what both bare runs do (publishers, broker and a subscriber; then the store's
     * writes), so it cannot be faster than the machine's cores running both of them at once, with nothing else. How
     * near a pipeline can come to that on this machine is what the minimal collector shows.
     */
    private static void ceiling(Report report, String store, List<Timed> subscriberRuns,
                                List<Timed> writerRuns, List<Timed> minimalRuns, List<Timed> collectorRuns,
                                double slower) {
        Timed subscriber = Timed.median(subscriberRuns);
        Timed writer = Timed.median(writerRuns);
        Timed minimal = Timed.median(minimalRuns);
        Timed collector = Timed.median(collectorRuns);
        int cores = Timed.machineCores();
        double ceiling = ceilingOf(subscriberRuns, writerRuns);
        report.add(new Report.Row("ingest end to end, " + store + ": against what " + cores + " cores allow",
                Report.rate(collector.rate()), "both bare runs' CPU together allow: " + Report.rate(ceiling)
                        + " (efficiency " + Report.ratio(ceiling / slower) + ")",
                Report.ratio(collector.rate() / ceiling, TARGET_OF_CEILING), ">= 0.85",
                Report.verdict(collector.rate() / ceiling >= TARGET_OF_CEILING)));
        report.add(new Report.Row("a minimal collector, " + store + " (receive, decode, write, acknowledge; nothing "
                + "else): against what " + cores + " cores allow", Report.rate(minimal.rate()),
                "both bare runs' CPU together allow: " + Report.rate(ceiling),
                Report.ratio(minimal.rate() / ceiling), "", ""));
        report.add(new Report.Row("ingest end to end, " + store + ", against the minimal collector",
                Report.rate(collector.rate()), "minimal collector: " + Report.rate(minimal.rate()),
                Report.ratio(collector.rate() / minimal.rate()), "", ""));
        report.note(String.format(Locale.ROOT, "CPU of the whole machine (every process, from /proc/stat) per "
                        + "million readings, %s, medians: bare subscriber run %.2f core-seconds (%.2f of %d cores "
                        + "busy), bare writer %.2f (%.2f busy), minimal collector %.2f (%.2f busy), collector %.2f "
                        + "(%.2f busy). Assuming the collector does "
                        + "at least the work of both bare runs (it receives what the subscriber does and writes what "
                        + "the writer does), %d cores allow it at most %d million / (%.2f + %.2f) = %s. Its ratio to "
                        + "that is the product of two factors: how busy its runs kept the cores (%.2f of %d: %.2f), and "
                        + "the bare runs' CPU per reading against its own ((%.2f + %.2f) / %.2f = %.2f); the bare "
                        + "subscriber's runs, which store nothing, kept %.2f of %d busy. The bare "
                        + "subscriber is one MQTT 3.1.1 connection written byte for byte in the harness's process (a "
                        + "clean session, QoS 1), which receives each message whole and acknowledges it; up to the "
                        + "report at 92a38e9 it was a Paho 1.2.5 client, which cost more per reading than the "
                        + "collector's own MQTT client, so that the collector passed that ceiling (1.31 of it on the "
                        + "embedded store): the ceilings and efficiencies of those reports are not comparable with "
                        + "these. Each run, as "
                        + "rate and core-seconds per million: bare subscriber %s; bare writer %s; minimal collector "
                        + "%s; collector %s.",
                store, subscriber.cpuPerMillion(), subscriber.coresBusy(), cores, writer.cpuPerMillion(),
                writer.coresBusy(), minimal.cpuPerMillion(), minimal.coresBusy(), collector.cpuPerMillion(),
                collector.coresBusy(), cores, cores,
                subscriber.cpuPerMillion(), writer.cpuPerMillion(), Report.rate(ceiling),
                collector.coresBusy(), cores, collector.coresBusy() / cores, subscriber.cpuPerMillion(),
                writer.cpuPerMillion(), collector.cpuPerMillion(),
                (subscriber.cpuPerMillion() + writer.cpuPerMillion()) / collector.cpuPerMillion(),
                subscriber.coresBusy(), cores, Timed.each(subscriberRuns),
                Timed.each(writerRuns), Timed.each(minimalRuns), Timed.each(collectorRuns)));
    }

    /**
     * Where the collector stands against a rate target it missed: what the machine's cores would reach, fully busy, at
     * the cost per reading its runs measured (every process: publishers, broker, database, collector), the same
     * without the publishers' own cost ({@link PublishersAlone}), and the harness's ceiling from the bare parts
     * ({@link #ceilingOf}). An extrapolation: it assumes the cost per reading
     * stays what it was.
     */
    private static String rateBounds(Timed collector, double target, double ceiling, double publishers) {
        int cores = Timed.machineCores();
        double fullyBusy = cores * 1e6 / collector.cpuPerMillion();
        String withoutPublishers = publishers > 0 && publishers < collector.cpuPerMillion()
                ? String.format(Locale.ROOT, "; %.2f of those core-seconds are the harness's process publishing the "
                        + "same load alone (below), work a site's devices do on machines of their own: without it, "
                        + "%s", publishers, Report.rate(cores * 1e6 / (collector.cpuPerMillion() - publishers)))
                : "";
        return String.format(Locale.ROOT, "at the %.2f core-seconds per million readings its runs cost the whole "
                        + "machine, %d cores fully busy would reach %s%s%s; the bare parts' ceiling (below, "
                        + "with its publishers): %s",
                collector.cpuPerMillion(), cores, Report.rate(fullyBusy),
                fullyBusy < target ? ", short of it" : ", so the rest is time the cores stood idle",
                withoutPublishers, Report.rate(ceiling));
    }

    /**
     * Where a collector's runs left cores idle: while the publishers publish, the machine's cores are all at work
     * (on their messages, the broker's and the collector's); what the collector still holds once the broker has
     * taken the last message is left to its own threads, with nothing else to run beside them.
     */
    static String howTheRunsDivided(String whose, List<CollectorRun.Phases> phases) {
        int cores = Timed.machineCores();
        String each = phases.stream().map(p -> String.format(Locale.ROOT, "%.2f s at %.2f busy, %.0f %% stored, then "
                + "%.2f s at %.2f", p.publishing().seconds(), p.publishing().coresBusy(),
                100 * p.storedWhenPublished(), p.after().seconds(), p.after().coresBusy()))
                .collect(Collectors.joining("; "));
        return String.format(Locale.ROOT, "How %s divided, medians of %d: while the publishers published, %.2f s "
                        + "with %.2f of %d cores busy; by the time the broker had taken their last message, the "
                        + "collector had stored %.0f %% of the load; the rest took %.2f s more, with %.2f of %d cores "
                        + "busy (every process of the machine counted, from /proc/stat). Each run: %s.",
                whose, phases.size(), Timed.middle(phases.stream().mapToDouble(p -> p.publishing().seconds())),
                Timed.middle(phases.stream().mapToDouble(p -> p.publishing().coresBusy())), cores,
                100 * Timed.middle(phases.stream().mapToDouble(CollectorRun.Phases::storedWhenPublished)),
                Timed.middle(phases.stream().mapToDouble(p -> p.after().seconds())),
                Timed.middle(phases.stream().mapToDouble(p -> p.after().coresBusy())), cores, each);
    }

    /**
     * Where some runs' CPU went, part by part ({@link RunCpu}), each part's median over the runs, and what the whole
     * machine spent beyond them (the kernel's interrupt work, any other process).
     *
     * @param whose the runs, as the note names them: "the InfluxDB collector runs'"
     */
    static String whereTheCpuWent(String whose, List<Timed> runs, List<Map<String, Double>> cpuEach) {
        Map<String, Double> perMillion = new LinkedHashMap<>();
        for (String part : cpuEach.get(0).keySet()) {
            perMillion.put(part, Timed.middle(IntStream.range(0, runs.size())
                    .mapToDouble(i -> cpuEach.get(i).get(part) * 1e6 / runs.get(i).readings())));
        }
        double rest = Timed.middle(IntStream.range(0, runs.size()).mapToDouble(i -> runs.get(i).cpuPerMillion()
                - cpuEach.get(i).values().stream().mapToDouble(Double::doubleValue).sum() * 1e6
                / runs.get(i).readings()));
        return String.format(Locale.ROOT, "Where %s CPU went, core-seconds per million "
                        + "readings, each part's median of the %d runs (user and system time from /proc, by process, "
                        + "and in the harness's process by thread, since the collector runs in it beside the "
                        + "publishers): %s; the rest of the machine %.2f (what /proc/stat counts beyond these: the "
                        + "kernel's interrupt work, other processes, and the difference between the two ways of "
                        + "counting); of the whole machine's %.2f (median). The JVM's garbage collector and JIT "
                        + "compilers serve the collector and the publishers alike.", whose, runs.size(),
                perMillion.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(),
                        e.getValue())).collect(Collectors.joining(", ")), rest, Timed.median(runs).cpuPerMillion());
    }

    /** Whether the harness's heap was fixed in size and touched at start, as bin/bench starts it. */
    private static boolean heapFixed() {
        List<String> flags = heapFlags();
        return flags.contains("-XX:+AlwaysPreTouch") && flags.stream().anyMatch(f -> f.startsWith("-Xms"));
    }

    /** The harness JVM's heap flags as it was started, so that the report says what the runs had. */
    private static String heapSettings() {
        List<String> flags = heapFlags();
        return flags.isEmpty()
                ? String.format(Locale.ROOT, "the JVM's default heap, at most %,d MiB", Runtime.getRuntime().maxMemory() >> 20)
                : String.join(" ", flags);
    }

    private static List<String> heapFlags() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(f -> f.startsWith("-Xms") || f.startsWith("-Xmx") || f.contains("AlwaysPreTouch"))
                .toList();
    }

    private static String costs(List<PublishersAlone.Cost> runs) {
        return runs.stream().map(c -> String.format(Locale.ROOT, "%.2f / %.2f", c.publishers(), c.broker()))
                .collect(Collectors.joining(", "));
    }

    /** What the machine's cores allow a collector that does at least the work of both bare runs (medians). */
    private static double ceilingOf(List<Timed> subscriberRuns, List<Timed> writerRuns) {
        return Timed.machineCores() * 1e6 / (Timed.median(subscriberRuns).cpuPerMillion()
                + Timed.median(writerRuns).cpuPerMillion());
    }

    /**
     * A second between timed runs: what a run leaves to background threads (the SQLite stores' checkpoints, which
     * copy the log every 250 ms; InfluxDB's cache snapshots) ends before the next run's count starts, rather than
     * being charged to it, whichever kind of run it is.
     */
    private static void quiet() throws InterruptedException {
        Thread.sleep(1_000);
    }

    /**
     * Run untimed before each timed ingest, by the baselines and Steward alike, so that every rate is of code the
     * JIT has compiled, as in a collector that has run for a while, not of its first seconds; untimed runs of the
     * timed load itself follow it. Its readings are two days older than the timed load's, so none of them is a
     * duplicate of a timed one.
     */
    private static Load warmUp(long t0) {
        return ingestLoad(WARM_UP_MESSAGES, t0 - 2 * 86_400_000L);
    }

    private static void query(Report report, Path work, MosquittoBroker broker) throws Exception {
        Path data = work.resolve("collector-year");
        long end = (System.currentTimeMillis() / 60_000L) * 60_000L;
        LOG.info("Writing a year of 1-minute data");
        QueryBench.writeYear(data, end);
        try (CollectorRun run = new CollectorRun(broker.url(), data, s -> s)) {
            Percentiles steward = QueryBench.measure(run, end, "maxPoints=1000", 50, 300);
            Percentiles raw = QueryBench.measure(run, end, "step=86400001", 5, 30);
            LOG.info("Year query: p50 {} p95 {}; from raw: p50 {} p95 {}", steward.p50(), steward.p95(), raw.p50(),
                    raw.p95());
            report.add(new Report.Row("series query, a year of 1-minute data, maxPoints=1000 (p50 / p95)",
                    Report.ms(steward.p50()) + " / " + Report.ms(steward.p95()),
                    "aggregating the raw readings: " + Report.ms(raw.p50()) + " / " + Report.ms(raw.p95()),
                    Report.ratio(steward.p95() / raw.p95()), "p95 <= 50 ms",
                    Report.verdict(steward.p95() <= TARGET_QUERY_P95_MS)));
        }
    }

    private static void diskWrites(Report report, Path work, MosquittoBroker broker) throws Exception {
        ExecutorService beside = Executors.newFixedThreadPool(2);
        try (CollectorRun confirming = new CollectorRun(broker.url(), work.resolve("collector-for-agents"), s -> s);
             CollectorDiskWrites collector = new CollectorDiskWrites(
                     Files.createDirectories(work.resolve("collector-writes")))) {
            Future<List<AgentDiskWrites.Result>> agents = beside.submit(() -> AgentDiskWrites.measure(
                    Files.createDirectories(work.resolve("agent-writes")), broker.url(), AGENT_WARM_UP_SECONDS,
                    AGENT_DISK_SECONDS));
            Future<Long> previousPolicy = beside.submit(() -> previousPolicy(work.resolve("previous-policy")));
            LOG.info("Disk writes: agents with each example config and the collector at a small site, at the real "
                    + "pace for {} minutes", REAL_PACE_MINUTES);
            diskWritesOfTheCollector(report, collector.measure(REAL_PACE_MINUTES), previousPolicy.get());
            diskWritesOfTheAgents(report, agents.get());
        } finally {
            beside.shutdownNow();
        }
    }

    private static void diskWritesOfTheAgents(Report report, List<AgentDiskWrites.Result> results) throws Exception {
        for (AgentDiskWrites.Result r : results) {
            LOG.info("Agent with {}: {} bytes in {} s; holdSeconds 0: {} bytes", r.example(), r.bytes(), r.seconds(),
                    r.baselineBytes());
            report.add(new Report.Row("disk writes per day, agent with " + r.example(), mb(r.mbPerDay()),
                    "holdSeconds 0, every message written before it is sent: " + mb(r.baselineMbPerDay()),
                    Report.ratio(r.mbPerDay() / r.baselineMbPerDay()), "<= 20 MB",
                    Report.verdict(r.mbPerDay() <= 20)));
        }
        report.note("Agents' disk writes are each agent process's write_bytes (/proc/<pid>/io) over " + AGENT_DISK_SECONDS
                + " s at the real pace, after a " + AGENT_WARM_UP_SECONDS + " s warm-up, times 86,400 / "
                + AGENT_DISK_SECONDS + "; every agent runs at once, with its systemd unit's JVM flags ("
                + AgentFootprint.unitSettings() + "), against the harness's Mosquitto and an embedded collector "
                + "that confirms what it gets. The example configs' hardware (I2C, SPI, GPIO, 1-Wire) is not on "
                + "this machine: each of their sources runs as a simulated one of the same kind, unit and interval, "
                + "with the same median filter and report by exception, so the agent sends about as many readings; "
                + "a valve's relay becomes a simulated sensor of its state. The agent also writes, and this run "
                + "does not: a flow meter's total (meters/<sensor>.litres) once a sample while water flows, a "
                + "pushed config, and one small transaction per 1,000 messages that sets seq numbers aside (the "
                + "food forest bed sends about 8,640 messages a day), which no 5-minute window holds. With "
                + "holdSeconds 0 the agent writes as Steward did before issue 15, except that it set the seq "
                + "counter with every message. Each agent's log goes to a file, as journald would keep it.");
    }

    private static void diskWritesOfTheCollector(Report report, CollectorDiskWrites.Result r, long previousPolicyBytes) {
        double previous = previousPolicyBytes / 1e6 / CollectorDiskWrites.DAYS;
        double realPace = r.perMessage(r.realPace());
        double early = r.perMessage(r.acceleratedEarly());
        LOG.info("Collector at a small site: {} MB a day; previous policy {} MB; per message at the real pace {}, "
                + "accelerated {}; moves {} MB a day; time {} MB a day", r.mbPerDay(), previous, realPace, early,
                r.movesPerDay() / 1e6, r.timePerDay() / 1e6);
        report.add(new Report.Row("disk writes per day, embedded collector, small site (40 sensors once a minute, "
                + "4 devices)", mb(r.mbPerDay()), "bare writer with the store's policy before issue 15 (each message "
                + "one transaction into the table, its roll-ups and its device): " + mb(previous),
                Report.ratio(r.mbPerDay() / previous), "<= 50 MB", Report.verdict(r.mbPerDay() <= 50)));
        report.note(String.format(Locale.ROOT, "The collector's disk writes are the write_bytes of bin/steward "
                        + "collector, each its own process as bin/steward starts it (without the JVM's perf-data "
                        + "file) with its own Mosquitto, while 4 devices of 10 sensors send a message a minute each "
                        + "and a status a minute. A day is made of three runs of the same time: %,d messages a day at "
                        + "%,.0f bytes each, what a message cost at the real pace (%d messages in %d minutes); %.1f MB "
                        + "a day of moves of the store's journal into its table (each of its %d files moves every "
                        + "%,d readings of its own devices: %.2f moves a day at this site), from %d days of messages "
                        + "sent at an accelerated pace, each once the one before was stored, which held %d moves "
                        + "(%,d bytes in %.0f s; %,.0f bytes a message over its first %d messages, before any move): "
                        + "what its messages cost beyond those first ones, for each move; and %.2f MB a day that time alone makes a collector write, from one that "
                        + "knew the same devices and heard nothing more (%,.1f bytes a second: what alert rules "
                        + "remember, every 10 minutes), taken out of the other two by their duration. A message "
                        + "costs more at the real pace than at the accelerated one: between two messages the kernel "
                        + "writes back pages that a faster run dirties only once, and write_bytes counts a page again "
                        + "each time it is dirtied after it was written. The baseline ran its %d days as fast as it "
                        + "could, which flatters it the same way.",
                SmallSite.messagesPerDay(), realPace, r.realPace().messages(), REAL_PACE_MINUTES,
                r.movesPerDay() / 1e6, EmbeddedStore.NEW_FOLDER_STORES, SqliteReadingStore.MOVE_AT,
                SmallSite.movesADay(), CollectorDiskWrites.DAYS, SmallSite.movesIn(CollectorDiskWrites.DAYS),
                r.acceleratedDays().bytes(),
                r.acceleratedDays().seconds(), early, CollectorDiskWrites.EARLY_MESSAGES, r.timePerDay() / 1e6,
                r.idle().perSecond(), CollectorDiskWrites.DAYS));
        report.note("write_bytes counts a page of the page cache when a process first dirties it. On kernels that "
                + "cache ext4 files in large folios (6.16 and later; this machine runs " + System.getProperty("os.version")
                + ") a file read cold and then written counts the whole folio, which can be far more than the bytes "
                + "written; every run here starts on fresh folders. What the kernel writes for a process later "
                + "(ext4's journal, metadata) is not counted.");
    }

    /** Bytes the previous policy's bare writer wrote for the small site's days, in its own process. */
    private static long previousPolicy(Path dir) throws Exception {
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"), PreviousPolicyWriter.class.getName(),
                dir.toString(), Integer.toString(CollectorDiskWrites.DAYS)).redirectErrorStream(true).start();
        String out = new String(writer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (writer.waitFor() != 0) {
            throw new IllegalStateException("the previous policy's writer failed: " + out);
        }
        return Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).trim());
    }

    private static String mb(double mb) {
        return String.format(Locale.ROOT, "%.1f MB", mb);
    }
}
