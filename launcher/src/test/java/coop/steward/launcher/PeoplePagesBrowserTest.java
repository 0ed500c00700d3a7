package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.config.Severity;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.NotifyChoice;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The people pages in a real headless Chromium at a phone's width, against a collector that asks for accounts: a
 * steward chooses quiet hours and an e-mail on My alerts and the store then holds that choice; an admin puts a
 * steward on the rota and the page shows them on duty, while a viewer reads the rota with no way to change it; an
 * admin adds a person on the People page.
 */
class PeoplePagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private PeopleStore people;
    /** What the test started, closed in the reverse order. */
    private final Deque<AutoCloseable> closing = new ArrayDeque<>();
    private RunningCollector collector;
    private ChromeDriver browser;
    private String base;

    @BeforeEach
    void start() throws Exception {
        people = PeopleStore.open(tmp.resolve("store"));
        people.add("root", "root's long password", List.of(new Grant(Grant.EVERY_SITE, Role.ADMIN)));
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        people.add("vic", "vic's long password", List.of(new Grant("food-forest", Role.VIEWER)));
        MosquittoBroker broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        closing.push(broker);
        IngestSettings ingest = new IngestSettings(broker.url(), "people-pages-collector", null, null, 1_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store"))
                .with(CollectorConfig.parse("sites:\n  - id: food-forest\n    zone: Europe/Berlin\n", "test.yaml"))
                .withAccounts(true));
        closing.push(collector);
        await().atMost(WAIT).until(() -> collector.get("/health").statusCode() == 200);
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 390, 844);
        closing.push(browser::quit);
        base = "http://127.0.0.1:" + collector.httpPort() + "/";
    }

    @AfterEach
    void stop() throws Exception {
        while (!closing.isEmpty()) {
            closing.pop().close();
        }
    }

    @Test
    void aStewardSetsQuietHoursAndAnEmail_onMyAlerts_andTheStoreHoldsThatChoice() throws Exception {
        signIn("ann");
        open("#/me");
        WebElement quiet = browser.findElement(By.xpath("//label[contains(., 'Keep quiet hours')]/input"));
        if (!quiet.isSelected()) {
            quiet.click();
        }
        new Select(browser.findElement(By.cssSelector("select[aria-label='Quiet from']"))).selectByValue("22:00");
        new Select(browser.findElement(By.cssSelector("select[aria-label='Quiet until']"))).selectByValue("06:30");
        assertThat(browser.findElement(By.className("quiet-summary")).getText())
                .contains("from 22:00 to 06:30").contains("critical alerts still come through");
        new Select(field("Your time zone")).selectByValue("Europe/Berlin");
        field("E-mail").sendKeys("ann@example.org");
        browser.findElement(By.cssSelector("[data-action='save-my-alerts']")).click();

        WebElement status = browser.findElement(By.className("my-alerts-status"));
        await().atMost(WAIT).until(() -> "saved".equals(status.getAttribute("data-outcome")));
        assertThat(status.getText()).contains("Saved").contains("ann@example.org");
        assertThat(people.choice("ann")).contains(new NotifyChoice(List.of(), Severity.WARNING, LocalTime.of(22, 0),
                LocalTime.of(6, 30), ZoneId.of("Europe/Berlin"), "ann@example.org", null,
                NotifyChoice.DEFAULT_PER_HOUR));
        screenshot("people-my-alerts-saved.png");

        field("E-mail").clear();
        field("E-mail").sendKeys("ann at home");
        browser.findElement(By.cssSelector("[data-action='save-my-alerts']")).click();
        await().atMost(WAIT).until(() -> "refused".equals(status.getAttribute("data-outcome")));
        assertThat(status.getText()).as("the collector's own sentence").contains("is not an e-mail address");
        assertThat(people.choice("ann").orElseThrow().email()).isEqualTo("ann@example.org");
    }

    @Test
    void anAdminPutsAStewardOnTheRota_whoShowsAsOnDuty_andAViewerSeesItWithoutControls() throws Exception {
        signIn("root");
        open("#/rota/food-forest");
        assertThat(browser.findElements(By.cssSelector("li.shift"))).isEmpty();
        new Select(field("Who")).selectByValue("ann");
        // The same time twice: all day, every day (all days are ticked), so she is on duty whenever this runs.
        new Select(field("From")).selectByValue("00:00");
        new Select(field("To")).selectByValue("00:00");
        browser.findElement(By.cssSelector("[data-action='add-shift']")).click();

        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("li.shift[data-on-duty='true']"))
                .isEmpty());
        WebElement shift = browser.findElement(By.cssSelector("li.shift"));
        assertThat(shift.getText()).contains("Every day").contains("all day").contains("(Europe/Berlin)")
                .contains("ann").contains("on duty now");
        assertThat(browser.findElement(By.className("on-duty-now")).getText()).isEqualTo("On duty now: ann");
        assertThat(people.shifts("food-forest")).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("ann");
            assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        });
        screenshot("people-rota-admin.png");

        signOut();
        signIn("vic");
        open("#/rota/food-forest");
        assertThat(browser.findElement(By.cssSelector("li.shift")).getText()).contains("ann");
        assertThat(browser.findElement(By.className("on-duty-now")).getText()).isEqualTo("On duty now: ann");
        assertThat(browser.findElements(By.cssSelector("[data-action='add-shift'], [data-action='remove-shift'], "
                + "[data-action='set-escalation']"))).as("a viewer's rota has no controls").isEmpty();
        assertThat(browser.findElements(By.cssSelector(".menu-link[data-view='people']")))
                .as("People is in the menu of admins only").isEmpty();
    }

    @Test
    void anAdminAddsAPerson_onThePeoplePage_whoCanThenSignIn() throws Exception {
        signIn("root");
        open("#/people");
        field("Name").sendKeys("bea");
        field("Password").sendKeys("bea's long password");
        new Select(field("Role")).selectByValue("steward");
        new Select(field("At")).selectByValue("food-forest");
        browser.findElement(By.cssSelector("[data-action='add-person']")).click();

        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("article.person-card[data-name='bea']"))
                .isEmpty());
        assertThat(browser.findElement(By.className("people-status")).getText()).contains("Added bea");
        assertThat(people.signIn("bea", "bea's long password")).get()
                .satisfies(bea -> assertThat(bea.may(Role.STEWARD, "food-forest")).isTrue());
    }

    /** The control a visible label names. */
    private WebElement field(String label) {
        WebElement element = browser.findElement(By.xpath("//label[normalize-space(.)='" + label + "']"));
        return browser.findElement(By.id(element.getAttribute("for")));
    }

    private void open(String hash) {
        browser.get(base + hash);
        await().atMost(WAIT).until(() -> {
            Object ready = browser.executeScript("const v = document.getElementById('view'); "
                    + "return v && v.dataset.ready && !v.dataset.failed && location.hash === arguments[0]", hash);
            return Boolean.TRUE.equals(ready);
        });
    }

    private void signIn(String name) {
        browser.get(base + "signin.html");
        browser.findElement(By.id("name")).sendKeys(name);
        browser.findElement(By.id("password")).sendKeys(name + "'s long password");
        browser.findElement(By.cssSelector("#signin button")).click();
        await().atMost(WAIT).until(() -> !browser.getCurrentUrl().contains("signin.html"));
    }

    private void signOut() {
        browser.findElement(By.className("person-summary")).click();
        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
    }
}
