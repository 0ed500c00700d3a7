package coop.steward.collector.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import coop.steward.collector.Collector;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.alert.AlertEvent;
import coop.steward.collector.alert.Alerts;
import coop.steward.collector.config.Severity;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts reach people as each chose, through a real SMTP server (GreenMail) and from alerts a real broker's readings
 * raise: only their sites, quiet hours held back but for critical alerts, an hourly allowance, and the morning digest
 * of what waited.
 */
class NotifierTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ZoneId UTC = ZoneOffset.UTC;

    @TempDir
    Path tmp;
    private GreenMail smtp;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void startSmtp() {
        smtp = new GreenMail(new ServerSetup(FreePort.find(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        smtp.stop();
    }

    @Test
    void eachPerson_getsTheAlertsTheyChose_whenTheyChose() throws Exception {
        Instant now = Instant.now();
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        person(people, "ann", "food-forest", choice("ann@example.org", null, 10));
        person(people, "bob", "food-forest", choice("bob@example.org", quietAround(now), 10));
        person(people, "cid", "solar-site", choice("cid@example.org", null, 10));
        person(people, "dee", "food-forest", choice("dee@example.org", null, 1));
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        closing.add(broker);
        Vertx vertx = Vertx.vertx();
        closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
        Collector collector = Collector.start(vertx, new CollectorSettings(new IngestSettings(broker.url(),
                        "notify-collector", null, null, 1_000, 20_000), "127.0.0.1", 0, tmp.resolve("data"))
                .withAccounts(true).withMail(new MailSettings("127.0.0.1", smtp.getSmtp().getPort(),
                        "steward@example.org", false, null, null))).await(30, TimeUnit.SECONDS);
        closing.add(() -> collector.stop().await(10, TimeUnit.SECONDS));
        Thread.sleep(1_500); // subscribed to the broker

        publish(broker, "bed-3", 1, 0, 75);  // impossible-value: a warning
        publish(broker, "bed-4", 1, 0, 75);  // another warning
        publish(broker, "bed-5", 1, 31, 10); // half an hour below wilting point: critical

        // bed-5 also raises soil-dry (a warning) beside soil-wilting: four alerts in all.
        await().atMost(WAIT).until(() -> to("ann@example.org").size() == 4 && to("bob@example.org").size() == 1);
        Thread.sleep(1_000);
        assertThat(subjects("ann@example.org")).as("every alert of her site").hasSize(4)
                .anySatisfy(s -> assertThat(s).contains("food-forest/bed-4"))
                .anySatisfy(s -> assertThat(s).contains("critical: soil-wilting at food-forest/bed-5"));
        assertThat(subjects("bob@example.org")).as("in his quiet hours: the critical one only")
                .singleElement().asString().contains("critical").contains("food-forest/bed-5");
        assertThat(to("cid@example.org")).as("another site's alerts").isEmpty();
        assertThat(to("dee@example.org")).as("one an hour, as she chose").hasSize(1);
        assertThat(subjects("ann@example.org")).anySatisfy(s -> assertThat(s)
                .contains("[Steward] warning: impossible-value at food-forest/bed-3"));
    }

    @Test
    void whatWaitedInTheQuietHours_comesInTheMorningDigest_once_evenAcrossRestarts() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T05:30:00Z"));
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        person(people, "bob", "food-forest", new NotifyChoice(List.of(), Severity.INFO, LocalTime.of(22, 0),
                LocalTime.of(7, 0), UTC, "bob@example.org", null, 10));
        Running first = notifier(people, clock, event -> { });
        first.vertx().eventBus().publish(Alerts.EVENTS, alert("a1", "warning", "soil-dry", "bed-1"));
        first.vertx().eventBus().publish(Alerts.EVENTS, alert("a2", "info", "battery-low", "bed-2"));
        Thread.sleep(1_000);
        first.sendDueDigests();
        Thread.sleep(1_000);
        assertThat(to("bob@example.org")).as("before 07:00 nothing").isEmpty();
        first.close();

        Running second = notifier(people, clock, event -> { });
        now.set(Instant.parse("2026-12-03T07:01:00Z"));
        second.sendDueDigests();
        await().atMost(WAIT).until(() -> to("bob@example.org").size() == 1);
        MimeMessage digest = to("bob@example.org").get(0);
        assertThat(digest.getSubject()).as("what waited outlasts the restart").isEqualTo(
                "[Steward] 2 alerts since yesterday");
        assertThat(((String) digest.getContent())).contains("soil-dry").contains("battery-low");
        second.sendDueDigests();
        Thread.sleep(1_000);
        second.close();

        Running third = notifier(people, clock, event -> { });
        third.sendDueDigests();
        Thread.sleep(1_000);
        assertThat(to("bob@example.org")).as("once, restart or not").hasSize(1);
    }

    @Test
    void anEscalationUnderway_goesOnAfterARestart_atTheTimeItWasDue() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        for (String name : List.of("ann", "bob")) {
            people.add(name, name + "'s long password", List.of(new Grant("food-forest", Role.STEWARD)));
            people.setChoice(name, new NotifyChoice(List.of(), Severity.CRITICAL, null, null, UTC,
                    name + "@example.org", null, 10));
            people.addShift("food-forest", name, EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT,
                    LocalTime.MIDNIGHT, UTC);
        }
        people.setEscalateAfter("food-forest", Duration.ofSeconds(4));
        Running first = notifier(people, Clock.systemUTC(), event -> { });
        first.vertx().eventBus().publish(Alerts.EVENTS, alert("a1", "warning", "soil-dry", "bed-1"));
        await().atMost(WAIT).until(() -> subjects("ann@example.org").size() == 1);
        Thread.sleep(500); // the escalation is kept on a worker beside the e-mail
        first.close();
        assertThat(to("bob@example.org")).isEmpty();

        List<AlertEvent> told = new CopyOnWriteArrayList<>();
        Running second = notifier(people, Clock.systemUTC(), told::add);

        await().atMost(WAIT).until(() -> subjects("bob@example.org").size() == 1);
        assertThat(subjects("bob@example.org").get(0)).startsWith("[Steward] unanswered for 4 s: warning: soil-dry");
        assertThat(told).extracting(AlertEvent::person).containsExactly("bob");
        assertThat(subjects("ann@example.org")).as("ann is not told twice").hasSize(1);
        second.close();
    }

    /** A notifier on a Vert.x of its own, as a collector runs one; closing it is a restart's first half. */
    private record Running(Vertx vertx, Notifier notifier) {
        void sendDueDigests() {
            vertx.runOnContext(v -> notifier.sendDueDigests());
        }

        void close() throws Exception {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private Running notifier(PeopleStore people, Clock clock, java.util.function.Consumer<AlertEvent> history)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
        Notifier notifier = new Notifier(vertx, people, new MailSettings("127.0.0.1", smtp.getSmtp().getPort(),
                "steward@example.org", false, null, null), clock, history, PendingNotices.open(tmp.resolve("data")));
        io.vertx.core.Promise<Void> started = io.vertx.core.Promise.promise();
        vertx.runOnContext(v -> notifier.start().onComplete(started));
        started.future().await(10, TimeUnit.SECONDS);
        return new Running(vertx, notifier);
    }

    @Test
    void anUnansweredAlert_goesFromWhoeverIsOnDuty_toTheNext_thenToEveryStewardOfTheSite_notInTheirQuietHours() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        // Critical only, as each chose for themselves: being on duty brings them a warning all the same.
        for (String name : List.of("ann", "bob", "cai")) {
            people.add(name, name + "'s long password", List.of(new Grant("food-forest", Role.STEWARD)));
            people.setChoice(name, new NotifyChoice(List.of(), Severity.CRITICAL, null, null, UTC,
                    name + "@example.org", null, 10));
        }
        person(people, "vic", "food-forest", choice("vic@example.org", null, 10));
        people.add("dan", "dan's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        LocalTime[] quiet = quietAround(Instant.now());
        people.setChoice("dan", new NotifyChoice(List.of(), Severity.CRITICAL, quiet[0], quiet[1], UTC,
                "dan@example.org", null, 10));
        Set<DayOfWeek> everyDay = EnumSet.allOf(DayOfWeek.class);
        people.addShift("food-forest", "ann", everyDay, LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, UTC);
        people.addShift("food-forest", "bob", everyDay, LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, UTC);
        people.setEscalateAfter("food-forest", Duration.ofSeconds(2));
        List<AlertEvent> told = new CopyOnWriteArrayList<>();
        Vertx vertx = notifier(people, Clock.systemUTC(), told::add).vertx();

        vertx.eventBus().publish(Alerts.EVENTS, alert("a1", "warning", "soil-dry", "bed-1"));
        await().atMost(WAIT).until(() -> subjects("ann@example.org").size() == 1);
        assertThat(subjects("ann@example.org").get(0)).startsWith("[Steward] you are on duty: warning: soil-dry");
        assertThat(to("bob@example.org")).as("not before ann had her time").isEmpty();
        await().atMost(WAIT).until(() -> subjects("bob@example.org").size() == 1);
        assertThat(subjects("bob@example.org").get(0)).startsWith("[Steward] unanswered for 2 s: warning: soil-dry");
        await().atMost(WAIT).until(() -> subjects("cai@example.org").size() == 1);
        assertThat(to("vic@example.org")).as("a viewer is told as she chose, and is no steward").hasSize(1);
        await().atMost(WAIT).until(() -> told.size() == 5);
        assertThat(told).as("the alert's history says who was told, and why").extracting(AlertEvent::alertId,
                AlertEvent::person, AlertEvent::note).containsExactlyInAnyOrder(
                tuple("a1", "ann", "on duty (by e-mail)"),
                tuple("a1", "vic", "chose to hear of warning alerts (by e-mail)"),
                tuple("a1", "bob", "unanswered for 2 s; next on duty (by e-mail)"),
                tuple("a1", "cai", "unanswered for 2 s; a steward of the site (by e-mail)"),
                tuple("a1", "dan", "unanswered for 2 s, but in their quiet hours; only critical alerts come "
                        + "through them"));
        assertThat(to("dan@example.org")).as("a steward off the rota keeps her quiet hours for a warning").isEmpty();

        vertx.eventBus().publish(Alerts.EVENTS, alert("a2", "warning", "soil-dry", "bed-2"));
        await().atMost(WAIT).until(() -> subjects("ann@example.org").size() == 2);
        vertx.eventBus().publish(Alerts.EVENTS, alert("a2", "warning", "soil-dry", "bed-2")
                .put("event", "acknowledged"));
        Thread.sleep(3_000);
        assertThat(to("bob@example.org")).as("ann answered: nobody else is called").hasSize(1);
    }

    @Test
    void atASiteThatAsksForHelp_anAlertGoesToTheNeighbours_onlyOnceEveryoneOnDutyAndEveryStewardHadTheirTime()
            throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("data"));
        for (String name : List.of("ann", "cai")) {
            people.add(name, name + "'s long password", List.of(new Grant("food-forest", Role.STEWARD)));
            people.setChoice(name, new NotifyChoice(List.of(), Severity.CRITICAL, null, null, UTC,
                    name + "@example.org", null, 10));
        }
        people.addShift("food-forest", "ann", EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT,
                UTC);
        people.setEscalateAfter("food-forest", Duration.ofSeconds(3));
        Vertx vertx = Vertx.vertx();
        closing.add(() -> vertx.close().await(10, TimeUnit.SECONDS));
        Notifier notifier = new Notifier(vertx, people, new MailSettings("127.0.0.1", smtp.getSmtp().getPort(),
                "steward@example.org", false, null, null), Clock.systemUTC(), event -> { },
                PendingNotices.open(tmp.resolve("data")), "food-forest"::equals);
        List<String> offered = new CopyOnWriteArrayList<>();
        List<Long> offeredAt = new CopyOnWriteArrayList<>();
        vertx.eventBus().<JsonObject>consumer(Notifier.UNANSWERED, m -> {
            offered.add(m.body().getString("id"));
            offeredAt.add(System.currentTimeMillis());
        });
        io.vertx.core.Promise<Void> started = io.vertx.core.Promise.promise();
        vertx.runOnContext(v -> notifier.start().onComplete(started));
        started.future().await(10, TimeUnit.SECONDS);

        long raised = System.currentTimeMillis();
        vertx.eventBus().publish(Alerts.EVENTS, alert("a1", "warning", "soil-dry", "bed-1"));
        vertx.eventBus().publish(Alerts.EVENTS, alert("a2", "warning", "soil-dry", "bed-2"));
        await().atMost(WAIT).until(() -> subjects("ann@example.org").size() == 2);
        vertx.eventBus().publish(Alerts.EVENTS, alert("a2", "warning", "soil-dry", "bed-2")
                .put("event", "acknowledged"));
        await().atMost(WAIT).until(() -> subjects("cai@example.org").size() == 1);
        assertThat(offered).as("not while the stewards have their time").isEmpty();

        await().atMost(WAIT).until(() -> offered.size() == 1);
        Thread.sleep(1_000); // a2 was raised with a1: its offer, were there one, would have come with a1's
        assertThat(offered).as("only the alert nobody answered").containsExactly("a1");
        assertThat(offeredAt.get(0) - raised).as("after ann's 3 s on duty and the stewards' 3 s")
                .isGreaterThanOrEqualTo(6_000);
    }

    private static JsonObject alert(String id, String severity, String rule, String device) {
        return new JsonObject().put("id", id).put("rule", rule).put("severity", severity).put("site", "food-forest")
                .put("device", device).put("message", rule + " at " + device).put("openedAt", 1_764_740_000_000L)
                .put("event", "raised");
    }

    private static void person(PeopleStore people, String name, String site, NotifyChoice choice) {
        people.add(name, name + "'s long password", List.of(new Grant(site, Role.VIEWER)));
        people.setChoice(name, choice);
    }

    private static NotifyChoice choice(String email, LocalTime[] quiet, int perHour) {
        return new NotifyChoice(List.of(), Severity.WARNING, quiet == null ? null : quiet[0],
                quiet == null ? null : quiet[1], UTC, email, null, perHour);
    }

    private static LocalTime[] quietAround(Instant now) {
        LocalTime local = now.atZone(UTC).toLocalTime();
        return new LocalTime[] {local.minusHours(1), local.plusHours(1)};
    }

    /** Soil moisture of a bed: {@code minutes + 1} readings a minute apart, the last one now. */
    private static void publish(MosquittoBroker broker, String device, int seq, int minutes, double value)
            throws Exception {
        long end = System.currentTimeMillis();
        StringBuilder readings = new StringBuilder();
        for (int i = minutes; i >= 0; i--) {
            readings.append(readings.length() == 0 ? "" : ", ").append("{\"sensor\": \"soil-a\", \"kind\": "
                    + "\"soil_moisture\", \"t\": ").append(end - i * 60_000L).append(", \"value\": ").append(value)
                    .append('}');
        }
        Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-q", "1", "-t", "steward/v1/food-forest/" + device + "/readings", "-m", "{\"v\": 1, \"device\": \""
                + device + "\", \"seq\": " + seq + ", \"readings\": [" + readings + "]}")
                .redirectErrorStream(true).start();
        assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }

    private List<MimeMessage> to(String address) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getRecipients(Message.RecipientType.TO)[0].toString().equals(address)) {
                found.add(message);
            }
        }
        return found;
    }

    private List<String> subjects(String address) throws Exception {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : to(address)) {
            subjects.add(message.getSubject());
        }
        return subjects;
    }
}
