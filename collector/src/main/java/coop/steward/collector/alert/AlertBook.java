package coop.steward.collector.alert;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The alerts' lifecycle: open, acknowledged by a person, resolved when the rule's condition clears. At most one
 * active alert per rule and subject, so a condition that persists never raises twice, not across a restart either
 * (the active alerts are restored from the store). A condition episode that was already resolved is never raised
 * again by a replay of its readings. Every change goes to {@code changes}; open alerts nobody acknowledged are
 * sent again as reminders every {@code renotifyMs}.
 */
final class AlertBook implements AlertSink {
    /** Resolved alerts kept in memory for the API; all of them stay in the store. */
    static final int RESOLVED_KEPT = 1_000;
    /** As the API lists alerts: by the data time they opened at, then by id. */
    static final Comparator<Alert> NEWEST_FIRST = Comparator.comparingLong(Alert::openedAt)
            .thenComparingLong((Alert a) -> seq(a.id())).reversed();

    record Key(String rule, Subject subject) {
    }

    /** What a restart restores: the active and latest resolved alerts, and where ids continue. */
    record Restored(List<Alert> alerts, Map<Key, Long> lastResolvedAt, long nextSeq) {
        static Restored empty() {
            return new Restored(List.of(), Map.of(), 1);
        }
    }

    private final ActiveAlerts active = new ActiveAlerts();
    private final Map<String, Alert> byId = new HashMap<>();
    private final ArrayDeque<String> resolved = new ArrayDeque<>();
    private final Map<Key, Long> lastResolvedAt;
    private final Map<String, Long> lastNotified = new HashMap<>();
    private final LongSupplier clock;
    private final long lateAfterMs;
    private final long renotifyMs;
    private final Consumer<AlertChange> changes;
    private long nextSeq;
    private SiteHearing hearing = SiteHearing.BROKER;
    /** The sites whose alerts this book keeps; at a hub of several collectors, those this collector owns. */
    private Predicate<String> owns = site -> true;
    /** At a hub of several collectors, ids step by {@link #ID_STEP} from a slot of this collector's own. */
    private int idSlot = -1;
    static final int ID_STEP = 1000;

    AlertBook(Restored restored, LongSupplier clock, long lateAfterMs, long renotifyMs,
              Consumer<AlertChange> changes) {
        this.clock = clock;
        this.lateAfterMs = lateAfterMs;
        this.renotifyMs = renotifyMs;
        this.changes = changes;
        this.nextSeq = restored.nextSeq();
        this.lastResolvedAt = new HashMap<>(restored.lastResolvedAt());
        List<Alert> oldestFirst = new ArrayList<>(restored.alerts());
        oldestFirst.sort(Comparator.comparingLong(Alert::openedAt));
        long now = clock.getAsLong();
        for (Alert alert : oldestFirst) {
            byId.put(alert.id(), alert);
            if (alert.isActive()) {
                active.put(alert);
                if (alert.state() == AlertState.OPEN) {
                    lastNotified.put(alert.id(), now);
                }
            } else {
                remember(alert);
            }
        }
    }

    /**
     * At a hub of several collectors: this book keeps the alerts of the sites {@code owned} says only, so that no
     * other collector's site is raised or resolved here, and its alert ids never meet theirs. An id is then
     * {@code a} and 1,000 x the epoch milliseconds of its raising, or more, plus {@code slot} (0 to 999, from this
     * collector's id); two collectors would have to share a slot and raise in the same millisecond for two ids to
     * meet. Active alerts restored from alerts.db are let go: whoever owns their sites now holds them.
     */
    void ownOnly(Predicate<String> owned, int slot) {
        this.owns = owned;
        this.idSlot = slot;
        for (Alert alert : active.all()) {
            forget(alert);
        }
    }

    /** Takes over an alert another collector raised, as it stands, without telling anyone: it was told already. */
    void adopt(Alert alert) {
        if (!alert.isActive() || active.contains(alert.rule(), alert.subject())) {
            return;
        }
        active.put(alert);
        byId.put(alert.id(), alert);
        if (alert.state() == AlertState.OPEN) {
            lastNotified.put(alert.id(), clock.getAsLong());
        }
    }

    /** The active alert of that rule and subject, or null. */
    Alert activeAlert(String rule, Subject subject) {
        return active.get(rule, subject);
    }

    /** Lets go of a site's active alerts, without resolving them: another collector owns the site now. */
    void forgetSite(String site) {
        for (Alert alert : active.all()) {
            if (alert.site().equals(site)) {
                forget(alert);
            }
        }
    }

    private void forget(Alert alert) {
        active.remove(alert.rule(), alert.subject());
        byId.remove(alert.id());
        lastNotified.remove(alert.id());
    }

    private String newId() {
        if (idSlot < 0) {
            return "a" + nextSeq++;
        }
        long seq = Math.max(nextSeq, clock.getAsLong() * ID_STEP + idSlot);
        nextSeq = seq + ID_STEP;
        return "a" + seq;
    }

    /** How the sites' devices are heard: at a hub, not while a site's link is down. */
    void hearSitesThrough(SiteHearing sites) {
        this.hearing = sites;
    }

    @Override
    public long listeningSince(String site, long listeningSince) {
        return listeningSince < 0 ? -1 : hearing.since(site, listeningSince);
    }

    @Override
    public boolean isActive(String rule, Subject subject) {
        return active.contains(rule, subject);
    }

    @Override
    public Long openedAt(String rule, Subject subject) {
        Alert alert = active.get(rule, subject);
        return alert == null ? null : alert.openedAt();
    }

    @Override
    public void raise(Finding finding) {
        if (active.contains(finding.rule().id(), finding.subject()) || !owns.test(finding.subject().site())) {
            return;
        }
        Long resolvedAt = lastResolvedAt.get(new Key(finding.rule().id(), finding.subject()));
        if (resolvedAt != null && finding.t() <= resolvedAt) {
            return; // a replay of an episode that was raised and resolved already
        }
        long now = clock.getAsLong();
        boolean late = now - finding.t() > lateAfterMs;
        StringBuilder message = new StringBuilder(finding.message());
        if (finding.rule().advice() != null) {
            message.append(' ').append(finding.rule().advice());
        }
        if (late) {
            message.append(" Found late: the readings that show it were taken at ").append(Wording.time(finding.t()))
                    .append(" and reached the collector ").append(Wording.duration(roundToMinute(now - finding.t())))
                    .append(" later.");
        }
        Subject s = finding.subject();
        Alert alert = new Alert(newId(), finding.rule().id(), finding.rule().severity(), s.site(), s.device(),
                s.sensor(), AlertState.OPEN, message.toString(), finding.value(), finding.t(), null, null, late, now,
                finding.since(), null, null);
        active.put(alert);
        byId.put(alert.id(), alert);
        lastNotified.put(alert.id(), now);
        changes.accept(new AlertChange(alert, AlertChange.Kind.RAISED));
    }

    @Override
    public void clear(String rule, Subject subject, long t, String why) {
        if (!owns.test(subject.site())) {
            return;
        }
        Alert alert = active.remove(rule, subject);
        if (alert == null) {
            return;
        }
        Key key = new Key(rule, subject);
        Alert done = alert.resolved(Math.max(t, alert.openedAt()), why);
        byId.put(done.id(), done);
        lastNotified.remove(done.id());
        lastResolvedAt.merge(key, done.resolvedAt(), Math::max);
        remember(done);
        changes.accept(new AlertChange(done, AlertChange.Kind.RESOLVED));
    }

    /** A person acknowledged it: empty when there is no such alert (or it is long resolved). */
    Optional<Alert> acknowledge(String id) {
        return acknowledge(id, null, null);
    }

    Optional<Alert> acknowledge(String id, String note) {
        return acknowledge(id, note, null);
    }

    Optional<Alert> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * A person acknowledged it, perhaps with a note (null for none). The first acknowledgement's time and person
     * stay the alert's; each later one with a note, or by someone else, is kept in the alert's history, and its note
     * becomes the alert's. Acknowledging it again, by the same person and without a new note, changes nothing. A
     * resolved alert is answered as it is.
     *
     * @param by who acknowledged it, or null when the collector knows no names
     */
    Optional<Alert> acknowledge(String id, String note, String by) {
        Alert alert = byId.get(id);
        if (alert == null || alert.state() == AlertState.RESOLVED) {
            return Optional.ofNullable(alert);
        }
        boolean repeated = alert.state() == AlertState.ACKNOWLEDGED && (note == null || note.equals(alert.note()))
                && (by == null || by.equals(alert.acknowledgedBy()));
        if (repeated) {
            return Optional.of(alert);
        }
        long now = clock.getAsLong();
        Alert acknowledged = alert.state() == AlertState.OPEN ? alert.acknowledged(now, note, by)
                : note == null ? alert : alert.noted(note);
        byId.put(id, acknowledged);
        active.put(acknowledged);
        lastNotified.remove(id);
        changes.accept(new AlertChange(acknowledged, AlertChange.Kind.ACKNOWLEDGED,
                new AlertEvent(id, now, AlertEvent.What.ACKNOWLEDGED, by, note)));
        return Optional.of(acknowledged);
    }

    /** Reminders for open alerts that nobody acknowledged within the re-notify interval. */
    void remind() {
        if (renotifyMs <= 0 || lastNotified.isEmpty()) {
            return;
        }
        long now = clock.getAsLong();
        lastNotified.entrySet().forEach(e -> {
            if (now - e.getValue() >= renotifyMs) {
                e.setValue(now);
                changes.accept(new AlertChange(byId.get(e.getKey()), AlertChange.Kind.REMINDER));
            }
        });
    }

    /** Newest first (by the data time they opened at), as the API lists them. */
    List<Alert> list(Predicate<Alert> filter) {
        List<Alert> result = new ArrayList<>();
        for (Alert alert : byId.values()) {
            if (filter.test(alert)) {
                result.add(alert);
            }
        }
        result.sort(NEWEST_FIRST);
        return result;
    }

    /** Whether this alert is in memory, where its state is the latest (alerts.db may not have it yet). */
    boolean holds(String id) {
        return byId.containsKey(id);
    }

    Collection<Alert> active() {
        return active.all();
    }

    private void remember(Alert done) {
        resolved.addLast(done.id());
        while (resolved.size() > RESOLVED_KEPT) {
            byId.remove(resolved.removeFirst());
        }
    }

    static long seq(String id) {
        return Long.parseLong(id.substring(1));
    }

    private static long roundToMinute(long millis) {
        return millis < 120_000 ? millis : Math.round(millis / 60_000.0) * 60_000;
    }
}
