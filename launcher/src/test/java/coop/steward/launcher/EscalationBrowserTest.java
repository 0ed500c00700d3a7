package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.Severity;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.notify.MailSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * An alert nobody answers goes from the steward on duty to the next on the rota, then to every steward of the site:
 * by e-mail through a real SMTP server (GreenMail), from a reading sent through a real broker. The last steward
 * called opens the alert's history in a real headless Chromium at a phone's width, sees who was told and why,
 * acknowledges it with a note, and the history keeps that too.
 */
class EscalationBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int ESCALATE_AFTER_SECONDS = 3;

    @TempDir
    Path tmp;
    private GreenMail smtp;
    private MosquittoBroker broker;
    private RunningCollector collector;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(FreePort.find(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        PeopleStore people = PeopleStore.open(tmp.resolve("store"));
        for (String name : List.of("ann", "bob", "cai")) {
            people.add(name, name + "'s long password", List.of(new Grant("food-forest", Role.STEWARD)));
            // Critical alerts only, as each chose: a warning reaches them only through the rota.
            people.setChoice(name, new NotifyChoice(List.of(), Severity.CRITICAL, null, null, ZoneOffset.UTC,
                    name + "@example.org", null, 10));
        }
        EnumSet<DayOfWeek> everyDay = EnumSet.allOf(DayOfWeek.class);
        people.addShift("food-forest", "ann", everyDay, LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, ZoneOffset.UTC);
        people.addShift("food-forest", "bob", everyDay, LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, ZoneOffset.UTC);
        people.setEscalateAfter("food-forest", Duration.ofSeconds(ESCALATE_AFTER_SECONDS));
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        IngestSettings ingest = new IngestSettings(broker.url(), "escalation-collector", null, null, 1_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store"))
                .withAccounts(true).withMail(new MailSettings("127.0.0.1", smtp.getSmtp().getPort(),
                        "steward@example.org", false, null, null)));
        await().atMost(WAIT).until(() -> collector.get("/health").statusCode() == 200);
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 390, 844);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
        smtp.stop();
    }

    @Test
    void anUnansweredAlert_reachesTheNextOnDuty_thenEverySteward_andTheHistoryShowsWhoWasToldAndWhoAnswered()
            throws Exception {
        BrowserPages.publishImpossibleSoilMoisture(broker.url());

        await().atMost(WAIT).until(() -> subjects("ann@example.org").size() == 1);
        assertThat(subjects("ann@example.org").get(0)).startsWith("[Steward] you are on duty: warning");
        assertThat(subjects("bob@example.org")).as("not before ann had her time").isEmpty();
        await().atMost(WAIT).until(() -> subjects("bob@example.org").size() == 1);
        assertThat(subjects("bob@example.org").get(0)).startsWith("[Steward] unanswered for 3 s: warning");
        assertThat(subjects("cai@example.org")).as("the rota comes first").isEmpty();
        await().atMost(WAIT).until(() -> subjects("cai@example.org").size() == 1);

        browser.get("http://127.0.0.1:" + collector.httpPort() + "/#/alerts");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "cai", "cai's long password");
        List<WebElement> told = openHistory("told", 3);
        assertThat(told).extracting(WebElement::getText).satisfiesExactly(
                ann -> assertThat(ann).contains("Told ann").contains("on duty (by e-mail)"),
                bob -> assertThat(bob).contains("Told bob").contains("unanswered for 3 s; next on duty"),
                cai -> assertThat(cai).contains("Told cai").contains("a steward of the site"));

        browser.findElement(By.cssSelector("article.alert textarea")).sendKeys("on my way with the hose");
        browser.findElement(By.cssSelector("[data-action='acknowledge']")).click();
        await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector("[data-action='acknowledge']"))
                .isEmpty());
        browser.get("http://127.0.0.1:" + collector.httpPort() + "/#/alerts?state=acknowledged");
        List<WebElement> acknowledged = openHistory("acknowledged", 1);
        assertThat(acknowledged.get(0).getText()).contains("Acknowledged by cai").contains("on my way with the hose");
        assertThat(browser.findElement(By.cssSelector("article.alert .alert-facts")).getText())
                .contains("acknowledged").contains("by cai");
        browser.executeScript("document.querySelector('article.alert .alert-history').scrollIntoView()");
        BrowserPages.screenshot(browser, "alert-history-phone.png");
    }

    /** Opens the first alert's history and waits for {@code count} lines of that kind. */
    private List<WebElement> openHistory(String what, int count) {
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("article.alert .alert-history summary"))
                .isEmpty());
        browser.findElement(By.cssSelector("article.alert .alert-history summary")).click();
        By lines = By.cssSelector("article.alert .history-list li[data-what='" + what + "']");
        await().atMost(WAIT).until(() -> browser.findElements(lines).size() == count);
        return browser.findElements(lines);
    }

    private List<String> subjects(String address) throws Exception {
        List<String> subjects = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getRecipients(Message.RecipientType.TO)[0].toString().equals(address)) {
                subjects.add(message.getSubject());
            }
        }
        return subjects;
    }
}
