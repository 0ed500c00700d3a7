package coop.steward.collector.notify;

import coop.steward.collector.alert.AlertEvent;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.notify.PendingNotices.Escalation;
import coop.steward.collector.config.Severity;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Person;
import coop.steward.collector.people.Role;
import coop.steward.collector.people.Shift;
import coop.steward.protocol.AidRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings each raised alert to the people who chose to hear of it ({@link NotifyChoice}): by e-mail and by their own
 * webhook, at once, or in the morning digest when it is low, when they are in their quiet hours, or when this hour's
 * allowance is spent. An alert of a site with a watering rota goes first to whoever is on duty, and, while nobody
 * acknowledges it, to the next on duty, then to every steward of the site, each after the site's escalation time.
 * The dashboard shows every alert to everyone with a role at its site anyway. Confined to the context it was
 * started on; the people store is read on a worker.
 */
public final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final long HOUR_MS = 3_600_000;
    private static final long DIGEST_CHECK_MS = 60_000;
    /** Per person: a week of a busy site's info alerts; past it the oldest go. */
    private static final int MAX_DIGEST = 500;
    /** Unanswered alerts followed at once: far more than a site raises, few enough to bound memory. */
    private static final int MAX_ESCALATIONS = 1_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH);
    /**
     * Where an alert goes, as raised, once its escalation ran out with nobody at its site answering, at a site that
     * asks its neighbours for help.
     */
    public static final String UNANSWERED = "steward.alert.unanswered";
    /**
     * Where a neighbouring site's request for help comes to be told to this site's stewards: {@code request}, the
     * {@link AidRequest} as JSON, and {@code sites}, the sites here whose stewards hear of it.
     */
    public static final String NEIGHBOUR_ASKS = "steward.aid.offer";

    private final Vertx vertx;
    private final PeopleStore people;
    private final MailSettings mailSettings;
    private final MailClient mail;
    private final WebClient web;
    private final Clock clock;
    private final Consumer<AlertEvent> history;
    private final PendingNotices pending;
    private final Predicate<String> asksHelp;
    private final Map<String, Deque<Long>> sent = new HashMap<>();
    private final Map<String, List<JsonObject>> digests = new HashMap<>();
    private final Map<String, LocalDate> lastDigest = new HashMap<>();
    private final Map<String, Escalation> escalations = new HashMap<>();
    private final Map<String, Long> timers = new HashMap<>();
    private MessageConsumer<JsonObject> consumer;
    private MessageConsumer<JsonObject> neighbours;
    private long digestTimer = -1;

    /**
     * @param mail    null when no SMTP server was given: webhooks only
     * @param history where each alert's history gets who was told of it at once, and why
     * @param pending  where unanswered alerts' escalations and the digests' alerts outlast a restart
     */
    public Notifier(Vertx vertx, PeopleStore people, MailSettings mail, Clock clock, Consumer<AlertEvent> history,
                    PendingNotices pending) {
        this(vertx, people, mail, clock, history, pending, site -> false);
    }

    /**
     * @param asksHelp whether a site asks its neighbours for help: its warning and critical alerts then go to
     *                 {@link #UNANSWERED} when nobody answered them by the end of their escalation, or, at a site
     *                 without a rota, by the site's escalation time
     */
    public Notifier(Vertx vertx, PeopleStore people, MailSettings mail, Clock clock, Consumer<AlertEvent> history,
                    PendingNotices pending, Predicate<String> asksHelp) {
        this.asksHelp = asksHelp;
        this.vertx = vertx;
        this.people = people;
        this.mailSettings = mail;
        this.mail = mail == null ? null : MailClient.create(vertx, new MailConfig().setHostname(mail.host())
                .setPort(mail.port()).setStarttls(mail.startTls() ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
                .setUsername(mail.username()).setPassword(mail.password()));
        this.web = WebClient.create(vertx);
        this.clock = clock;
        this.history = history;
        this.pending = pending;
    }

    /** Takes up what was pending before a restart: escalations go on where they were, digests keep their alerts. */
    public Future<Void> start() {
        return vertx.executeBlocking(pending::load).map(restored -> {
            restored.digests().forEach((name, alerts) -> digests.put(name, new ArrayList<>(alerts)));
            lastDigest.putAll(restored.lastDigest());
            long now = clock.millis();
            for (Escalation escalation : restored.escalations()) {
                escalations.put(escalation.id(), escalation);
                timers.put(escalation.id(), vertx.setTimer(Math.max(1, escalation.nextAt() - now),
                        t -> escalate(escalation.id())));
            }
            listen();
            return null;
        });
    }

    private void listen() {
        consumer = vertx.eventBus().consumer(Alerts.EVENTS, message -> {
            String event = message.body().getString("event");
            if ("raised".equals(event)) {
                raised(message.body());
            } else if ("acknowledged".equals(event) || "resolved".equals(event)) {
                answered(message.body().getString("id"));
            }
        });
        neighbours = vertx.eventBus().consumer(NEIGHBOUR_ASKS, message -> {
            AidRequest request = message.body().getJsonObject("request").mapTo(AidRequest.class);
            offer(request, message.body().getJsonArray("sites").stream().map(String::valueOf).toList())
                    .onComplete(told -> LOG.info("{} asks for help with alert {} ({}): {} of this site's stewards "
                            + "told", request.site(), request.alert(), request.rule(),
                            told.succeeded() ? told.result() : "none"));
        });
        digestTimer = vertx.setPeriodic(DIGEST_CHECK_MS, id -> sendDueDigests());
    }

    public Future<Void> stop() {
        if (digestTimer >= 0) {
            vertx.cancelTimer(digestTimer);
        }
        timers.values().forEach(vertx::cancelTimer);
        if (mail != null) {
            mail.close();
        }
        web.close();
        return consumer == null ? Future.succeededFuture() : Future.join(consumer.unregister(),
                neighbours.unregister()).mapEmpty();
    }

    /** What the people store says about an alert's site when it is raised. */
    private record Duty(List<PeopleStore.Recipient> recipients, List<String> onDuty, List<String> stewards,
                        long escalateAfterMs) {
    }

    private void raised(JsonObject alert) {
        String site = alert.getString("site");
        Severity severity = Severity.valueOf(alert.getString("severity", "warning").toUpperCase(Locale.ROOT));
        Instant at = clock.instant();
        vertx.executeBlocking(() -> new Duty(people.recipients(),
                people.shifts(site).stream().filter(shift -> shift.covers(at)).map(Shift::name).distinct().toList(),
                people.list().stream().filter(p -> p.may(Role.STEWARD, site)).map(Person::name).toList(),
                people.escalateAfter(site).toMillis())).onSuccess(duty -> {
            Instant now = clock.instant();
            List<PeopleStore.Recipient> recipients = duty.recipients();
            // Whoever is on duty hears of it as such, at once, and it goes on to others while nobody answers.
            String first = severity == Severity.INFO || duty.onDuty().isEmpty() ? null : duty.onDuty().get(0);
            if (first != null) {
                startEscalation(alert, duty, recipients);
            } else if (severity != Severity.INFO && asksHelp.test(site)) {
                awaitAnswer(alert, duty);
            }
            for (PeopleStore.Recipient recipient : recipients) {
                if (!recipient.person().may(Role.VIEWER, site) || recipient.person().name().equals(first)) {
                    continue;
                }
                switch (recipient.choice().delivery(site, severity, now)) {
                    case NOW -> {
                        if (withinHourlyAllowance(recipient, now.toEpochMilli())) {
                            deliver(recipient, subject(alert), body(alert, recipient.choice()), alert);
                            told(alert, recipient, "chose to hear of " + severity.code() + " alerts");
                        } else {
                            queue(recipient, alert);
                        }
                    }
                    case DIGEST -> queue(recipient, alert);
                    case NOT_AT_ALL -> {
                    }
                }
            }
        }).onFailure(e -> LOG.warn("Could not read who hears of alerts: {}", e.getMessage()));
    }

    private void startEscalation(JsonObject alert, Duty duty, List<PeopleStore.Recipient> recipients) {
        String id = alert.getString("id");
        if (id == null || escalations.containsKey(id) || escalations.size() >= MAX_ESCALATIONS) {
            return;
        }
        String first = duty.onDuty().get(0);
        tell(recipients, first, "[Steward] you are on duty: " + subject(alert).substring("[Steward] ".length()),
                alert, "on duty");
        Set<String> told = new LinkedHashSet<>(Set.of(first));
        follow(new Escalation(alert, duty.onDuty(), duty.stewards(), told, duty.escalateAfterMs(),
                clock.millis() + duty.escalateAfterMs()));
    }

    /**
     * At a site without anyone on duty that asks for help: everyone was told as they chose, so the escalation's only
     * step is asking the neighbours, after the site's escalation time.
     */
    private void awaitAnswer(JsonObject alert, Duty duty) {
        String id = alert.getString("id");
        if (id == null || escalations.containsKey(id) || escalations.size() >= MAX_ESCALATIONS) {
            return;
        }
        follow(new Escalation(alert, List.of(), duty.stewards(), new LinkedHashSet<>(duty.stewards()),
                duty.escalateAfterMs(), clock.millis() + duty.escalateAfterMs()));
    }

    /** Calls the next person when the escalation is due, and keeps it so that a restart goes on from here. */
    private void follow(Escalation escalation) {
        String id = escalation.id();
        escalations.put(id, escalation);
        timers.put(id, vertx.setTimer(Math.max(1, escalation.nextAt() - clock.millis()), t -> escalate(id)));
        vertx.executeBlocking(() -> {
            pending.saveEscalation(escalation);
            return null;
        }).onFailure(e -> LOG.warn("Could not keep the escalation of alert {}: {}", id, e.getMessage()));
    }

    private void endEscalation(String id) {
        escalations.remove(id);
        Long timer = timers.remove(id);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        vertx.executeBlocking(() -> {
            pending.endEscalation(id);
            return null;
        }).onFailure(e -> LOG.warn("Could not end the escalation of alert {}: {}", id, e.getMessage()));
    }

    /** Nobody answered in time: the next on duty, else every steward of the site not yet told. */
    private void escalate(String id) {
        Escalation escalation = escalations.get(id);
        if (escalation == null) {
            return;
        }
        List<String> next = escalation.onDuty().stream().filter(n -> !escalation.told().contains(n)).limit(1)
                .toList();
        if (next.isEmpty()) {
            next = escalation.stewards().stream().filter(n -> !escalation.told().contains(n)).toList();
        }
        if (next.isEmpty()) {
            endEscalation(id);
            if (asksHelp.test(escalation.alert().getString("site"))
                    && !"info".equals(escalation.alert().getString("severity"))) {
                vertx.eventBus().publish(UNANSWERED, escalation.alert());
            }
            return;
        }
        List<String> toTell = next;
        boolean onDuty = escalation.onDuty().contains(next.get(0));
        String why = onDuty ? "next on duty" : "a steward of the site";
        String minutes = escalation.afterMs() >= 60_000 ? escalation.afterMs() / 60_000 + " min"
                : escalation.afterMs() / 1000 + " s";
        vertx.executeBlocking(people::recipients).onSuccess(recipients -> {
            if (!escalations.containsKey(id)) {
                return; // answered meanwhile
            }
            boolean critical = "critical".equals(escalation.alert().getString("severity"));
            Instant now = clock.instant();
            for (String name : toTell) {
                escalation.told().add(name);
                if (!onDuty && !critical && inQuietHours(recipients, name, now)) {
                    // Only the rota is on call: a steward's quiet hours hold for all but critical alerts.
                    history.accept(new AlertEvent(id, now.toEpochMilli(), AlertEvent.What.NOT_TOLD, name,
                            "unanswered for " + minutes + ", but in their quiet hours; only critical alerts come "
                                    + "through them"));
                    continue;
                }
                tell(recipients, name, "[Steward] unanswered for " + minutes + ": "
                        + subject(escalation.alert()).substring("[Steward] ".length()), escalation.alert(),
                        "unanswered for " + minutes + "; " + why);
            }
            follow(new Escalation(escalation.alert(), escalation.onDuty(), escalation.stewards(),
                    escalation.told(), escalation.afterMs(), clock.millis() + escalation.afterMs()));
        });
    }

    /**
     * A neighbouring site asks for help: every steward of {@code sites} hears of it on the channels they chose, as
     * their choice of severity, quiet hours (critical requests come through) and hourly allowance lets it. Answers
     * how many were told.
     */
    Future<Integer> offer(AidRequest request, List<String> sites) {
        return vertx.executeBlocking(people::recipients).map(recipients -> {
            Instant now = clock.instant();
            Severity severity = "critical".equals(request.severity()) ? Severity.CRITICAL : Severity.WARNING;
            JsonObject json = JsonObject.mapFrom(request);
            int told = 0;
            for (PeopleStore.Recipient recipient : recipients) {
                NotifyChoice choice = recipient.choice();
                // Their own choice holds as for their own site's alerts, but for which sites: it names their own.
                if (sites.stream().noneMatch(site -> recipient.person().may(Role.STEWARD, site))
                        || severity.compareTo(choice.minSeverity()) < 0
                        || severity != Severity.CRITICAL && choice.quiet(now) || channels(choice).isEmpty()
                        || !withinHourlyAllowance(recipient, now.toEpochMilli())) {
                    continue;
                }
                deliver(recipient, "[Steward] " + request.site() + " asks for help: " + request.rule() + " at "
                        + where(json), aidBody(request, where(json), recipient.choice()), json);
                told++;
            }
            return told;
        });
    }

    private static String aidBody(AidRequest request, String where, NotifyChoice choice) {
        String since = TIME.format(Instant.ofEpochMilli(request.since()).atZone(choice.zone()));
        return "Nobody at " + request.site() + " answered this alert, and they ask their neighbours for help.\n"
                + request.message() + "\n" + where + ", since " + since + " ("
                + choice.zone().getId() + ")\n"
                + (request.place() == null ? "" : "How to find it: " + request.place() + "\n")
                + "If you can go, say so on your dashboard's Alerts page (I'll take it), so that they know.";
    }

    private static boolean inQuietHours(List<PeopleStore.Recipient> recipients, String name, Instant now) {
        return recipients.stream().anyMatch(r -> r.person().name().equals(name) && r.choice().quiet(now));
    }

    private void answered(String id) {
        if (id != null && escalations.containsKey(id)) {
            endEscalation(id);
        }
    }

    /** On every channel the person chose; someone who chose none sees it on the dashboard only. */
    private void tell(List<PeopleStore.Recipient> recipients, String name, String subject, JsonObject alert,
                      String why) {
        Optional<PeopleStore.Recipient> recipient = recipients.stream().filter(r -> r.person().name().equals(name))
                .findFirst();
        recipient.ifPresent(r -> deliver(r, subject, body(alert, r.choice()), alert));
        String channels = recipient.map(r -> channels(r.choice())).orElse("");
        history.accept(new AlertEvent(alert.getString("id"), clock.millis(), AlertEvent.What.TOLD, name,
                why + (channels.isEmpty() ? "; they chose no e-mail or webhook, so only the dashboard shows it"
                        : " (" + channels + ")")));
    }

    private void told(JsonObject alert, PeopleStore.Recipient recipient, String why) {
        String channels = channels(recipient.choice());
        if (!channels.isEmpty() && alert.getString("id") != null) {
            history.accept(new AlertEvent(alert.getString("id"), clock.millis(), AlertEvent.What.TOLD,
                    recipient.person().name(), why + " (" + channels + ")"));
        }
    }

    /** The channels a message to them takes: "by e-mail and webhook", or empty for none. */
    private String channels(NotifyChoice choice) {
        List<String> ways = new ArrayList<>();
        if (choice.email() != null && mail != null) {
            ways.add("e-mail");
        }
        if (choice.webhook() != null) {
            ways.add("webhook");
        }
        return ways.isEmpty() ? "" : "by " + String.join(" and ", ways);
    }

    private boolean withinHourlyAllowance(PeopleStore.Recipient recipient, long now) {
        Deque<Long> times = sent.computeIfAbsent(recipient.person().name(), n -> new ArrayDeque<>());
        while (!times.isEmpty() && times.peekFirst() <= now - HOUR_MS) {
            times.removeFirst();
        }
        if (times.size() >= recipient.choice().perHour()) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    private void queue(PeopleStore.Recipient recipient, JsonObject alert) {
        String name = recipient.person().name();
        List<JsonObject> digest = digests.computeIfAbsent(name, n -> new ArrayList<>());
        if (digest.size() >= MAX_DIGEST) {
            digest.remove(0);
        }
        digest.add(alert);
        vertx.executeBlocking(() -> {
            pending.queue(name, alert, MAX_DIGEST);
            return null;
        }).onFailure(e -> LOG.warn("Could not keep an alert for {}'s digest: {}", name, e.getMessage()));
    }

    /** Sends each waiting digest whose person's morning has come; the timer calls it every minute. */
    void sendDueDigests() {
        if (digests.isEmpty()) {
            return;
        }
        vertx.executeBlocking(people::recipients).onSuccess(recipients -> {
            Instant now = clock.instant();
            for (PeopleStore.Recipient recipient : recipients) {
                String name = recipient.person().name();
                List<JsonObject> digest = digests.get(name);
                ZonedDateTime local = now.atZone(recipient.choice().zone());
                if (digest == null || digest.isEmpty() || local.toLocalTime().isBefore(NotifyChoice.DIGEST_AT)
                        || local.toLocalDate().equals(lastDigest.get(name))) {
                    continue;
                }
                lastDigest.put(name, local.toLocalDate());
                digests.remove(name);
                vertx.executeBlocking(() -> {
                    pending.digestSent(name, local.toLocalDate());
                    return null;
                }).onFailure(e -> LOG.warn("Could not note {}'s digest as sent: {}", name, e.getMessage()));
                StringBuilder body = new StringBuilder("Alerts that waited for this morning (" + digest.size()
                        + "):\n\n");
                for (JsonObject alert : digest) {
                    body.append("- ").append(body(alert, recipient.choice()).replace("\n", "\n  ")).append('\n');
                }
                deliver(recipient, "[Steward] " + digest.size() + " alert" + (digest.size() == 1 ? "" : "s")
                        + " since yesterday", body.toString(), new JsonObject().put("digest", digest));
            }
        });
    }

    private void deliver(PeopleStore.Recipient recipient, String subject, String text, JsonObject json) {
        NotifyChoice choice = recipient.choice();
        if (choice.email() != null && mail != null) {
            MailMessage message = new MailMessage().setFrom(mailSettings.from()).setTo(choice.email())
                    .setSubject(subject).setText(text);
            mail.sendMail(message).onFailure(e -> LOG.warn("E-mail to {} failed: {}", recipient.person().name(),
                    e.getMessage()));
        }
        if (choice.webhook() != null) {
            // ntfy reads the title and priority from headers; chat bots read the JSON.
            web.postAbs(choice.webhook()).putHeader("Title", subject)
                    .putHeader("Priority", "critical".equals(json.getString("severity")) ? "urgent" : "default")
                    .timeout(10_000).sendJsonObject(json.copy().put("text", text))
                    .onFailure(e -> LOG.warn("Webhook of {} failed: {}", recipient.person().name(), e.getMessage()));
        }
    }

    private static String subject(JsonObject alert) {
        return "[Steward] " + alert.getString("severity") + ": " + alert.getString("rule") + " at "
                + where(alert);
    }

    private static String body(JsonObject alert, NotifyChoice choice) {
        String opened = TIME.format(Instant.ofEpochMilli(alert.getLong("openedAt", 0L)).atZone(choice.zone()));
        return alert.getString("message", "") + "\n" + where(alert) + ", opened " + opened + " ("
                + choice.zone().getId() + ")";
    }

    private static String where(JsonObject alert) {
        StringBuilder where = new StringBuilder(alert.getString("site", ""));
        for (String part : new String[] {alert.getString("device"), alert.getString("sensor")}) {
            if (part != null) {
                where.append('/').append(part);
            }
        }
        return where.toString();
    }
}
