package coop.steward.collector.alert;

import coop.steward.collector.store.DeviceStatus;
import coop.steward.protocol.Reading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds stored readings and statuses to the rules on the readings' own timestamps. Readings of one message are
 * taken in data-time order (valves and irradiance first at equal times, since other readings are judged against
 * them); a reading that is not newer than the newest already seen for its sensor is a replay and is skipped, so
 * resends never count twice. Not thread-safe: one context owns it.
 */
final class AlertEngine {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final Comparator<Reading> DATA_ORDER = Comparator.comparingLong(Reading::t)
            .thenComparingInt(r -> isContext(r.kind()) ? 0 : 1);
    private static final Rule[] NO_RULES = {};

    private List<Rule> rules;
    /**
     * The rules that read each kind a rule names, those of that kind first, then those of every kind; made when the
     * rules are, so that kinds a device invents (x_...) add nothing here.
     */
    private final Map<String, Rule[]> readersOf = new HashMap<>();
    /** The rules that read a kind no rule names: those of every kind. */
    private Rule[] anyKindReaders = NO_RULES;
    private final AlertBook book;
    /** Where rules conclude: the book, or a replay's sink while a site is taken over. */
    private AlertSink sink;
    private final LongSupplier clock;
    /** Every device and sensor heard of: the subjects the rules are given, and each sensor's newest reading. */
    private final Map<Subject, KnownDevice> devices = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private long listeningSince = -1;

    AlertEngine(List<Rule> rules, AlertBook book, LongSupplier clock) {
        this.book = book;
        this.sink = book;
        this.clock = clock;
        replaceRules(rules);
    }

    /**
     * Evaluates these rules from now on, in place of the ones before (an admin changed the collector's config).
     * What the engine knows of each sensor's newest reading stays, so a replay still counts once.
     */
    void replaceRules(List<Rule> next) {
        rules = List.copyOf(next);
        readersOf.clear();
        failing.clear();
        for (KnownDevice device : devices.values()) {
            device.memory.clear(); // the old rules' state, which the new ones (other objects) would never find
            for (KnownSensor sensor : device.sensors.values()) {
                sensor.memory.clear();
                sensor.kind = null; // its readers are chosen again from the new rules
            }
        }
        Map<String, List<Rule>> byKind = new HashMap<>();
        List<Rule> anyKind = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.kinds().isEmpty()) {
                anyKind.add(rule);
            } else {
                rule.kinds().forEach(kind -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(rule));
            }
        }
        anyKindReaders = anyKind.toArray(NO_RULES);
        byKind.forEach((kind, forKind) -> {
            List<Rule> readers = new ArrayList<>(forKind);
            readers.addAll(anyKind);
            readersOf.put(kind, readers.toArray(NO_RULES));
        });
    }

    AlertBook book() {
        return book;
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * A device as the engine knows it, with what the rules remember of it. Its subject, and each sensor's, are one
     * object for all of their samples: rules that keep state by subject find the same object in a map, comparing no
     * names.
     */
    private static final class KnownDevice {
        final Subject subject;
        final Map<String, KnownSensor> sensors = new HashMap<>();
        final RuleMemory memory = new RuleMemory();

        KnownDevice(Subject subject) {
            this.subject = subject;
        }
    }

    private static final class KnownSensor {
        final Subject subject;
        final RuleMemory memory = new RuleMemory();
        long newest = Long.MIN_VALUE;
        /** The kind of its last reading, and the rules that read it: a sensor's kind hardly ever changes. */
        String kind;
        Rule[] readers = NO_RULES;

        KnownSensor(Subject subject) {
            this.subject = subject;
        }
    }

    void readings(String site, String device, List<Reading> readings) {
        List<Reading> ordered = readings;
        if (!inDataOrder(readings)) {
            ordered = new ArrayList<>(readings);
            ordered.sort(DATA_ORDER);
        }
        KnownDevice known = devices.computeIfAbsent(Subject.device(site, device), KnownDevice::new);
        for (Reading r : ordered) {
            KnownSensor sensor = known.sensors.get(r.sensor());
            if (sensor == null) {
                sensor = new KnownSensor(new Subject(known.subject.site(), known.subject.device(), r.sensor()));
                known.sensors.put(r.sensor(), sensor);
            } else if (r.t() <= sensor.newest) {
                continue;
            }
            sensor.newest = r.t();
            if (!r.kind().equals(sensor.kind)) {
                sensor.kind = r.kind();
                sensor.readers = readersOf.getOrDefault(r.kind(), anyKindReaders);
            }
            Sample sample = new Sample(sensor.subject, known.subject, r.kind(), r.t(), r.value(), sensor.memory,
                    known.memory);
            for (Rule rule : sensor.readers) {
                accept(rule, sample);
            }
        }
    }

    /**
     * A device's message is almost always in data order already; checking is cheaper than sorting a copy. Written
     * out, not by {@link #DATA_ORDER}: its comparators, and a set's hashing of the kinds, were a seventh of the
     * alert thread's time.
     */
    private static boolean inDataOrder(List<Reading> readings) {
        for (int i = 1; i < readings.size(); i++) {
            Reading before = readings.get(i - 1);
            Reading next = readings.get(i);
            // A message's readings of one kind share its string, which settles most pairs without comparing it.
            if (before.t() > next.t() || before.t() == next.t() && before.kind() != next.kind()
                    && isContext(next.kind()) && !isContext(before.kind())) {
                return false;
            }
        }
        return true;
    }

    /** Valves and irradiance come first at equal times: other readings are judged against them. */
    private static boolean isContext(String kind) {
        return ValveStates.KIND.equals(kind) || SolarUnderperformanceRule.IRRADIANCE.equals(kind);
    }

    private void accept(Rule rule, Sample sample) {
        try {
            rule.accept(sample, sink);
        } catch (RuntimeException e) {
            failed(rule, "reading of " + sample.subject().path(), e);
        }
    }

    /**
     * Takes over a site: forgets what the rules remembered of it, then runs its devices' statuses and its recent
     * readings, merged in data order across its devices, through the rules, and gives the book only the net
     * outcome ({@link ReplaySink}). Its open alerts must be in the book (adopted) before.
     */
    void replay(String site, List<DeviceStatus> statuses, List<Map.Entry<String, Reading>> recent) {
        forget(site);
        ReplaySink replay = new ReplaySink(book);
        sink = replay;
        try {
            statuses.forEach(this::status);
            int from = 0;
            while (from < recent.size()) {
                String device = recent.get(from).getKey();
                int to = from;
                List<Reading> run = new ArrayList<>();
                while (to < recent.size() && recent.get(to).getKey().equals(device)) {
                    run.add(recent.get(to++).getValue());
                }
                readings(site, device, run);
                from = to;
            }
        } finally {
            sink = book;
        }
        replay.settle();
    }

    /** Forgets a site's devices and what every rule remembers of it (see {@link Rule#forget}). */
    void forget(String site) {
        devices.keySet().removeIf(subject -> subject.site().equals(site));
        for (Rule rule : rules) {
            rule.forget(site);
        }
    }

    void status(DeviceStatus status) {
        for (Rule rule : rules) {
            try {
                rule.status(status, sink);
            } catch (RuntimeException e) {
                failed(rule, "status of " + status.site() + "/" + status.device(), e);
            }
        }
    }

    /**
     * Runs the rules' clock-driven checks (absence) and the reminders.
     *
     * @param connected whether the collector hears the broker now; silence is only judged while it does
     */
    void tick(boolean connected) {
        long now = clock.getAsLong();
        if (!connected) {
            listeningSince = -1;
        } else if (listeningSince < 0) {
            listeningSince = now;
        }
        for (Rule rule : rules) {
            try {
                rule.tick(now, listeningSince, book);
            } catch (RuntimeException e) {
                failed(rule, "periodic check", e);
            }
        }
        book.remind();
    }

    /** A bug in one rule must not stop the others; it is logged once per rule. */
    private void failed(Rule rule, String what, RuntimeException e) {
        if (failing.add(rule.id())) {
            LOG.error("Alert rule {} failed on a {}; it is skipped for such input (logged once)", rule.id(), what, e);
        }
    }
}
