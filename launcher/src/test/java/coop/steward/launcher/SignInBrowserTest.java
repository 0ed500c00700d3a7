package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Signing in to a collector that asks for accounts, in a real headless Chromium at a phone's width: the page sends
 * a stranger to the sign-in form, a wrong password is said so, and a viewer sees the open alert with no way to
 * acknowledge it while a steward has one.
 */
class SignInBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private RunningCollector collector;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("store"));
        people.add("vic", "vic's long password", List.of(new Grant("food-forest", Role.VIEWER)));
        people.add("ann", "ann's long password", List.of(new Grant("food-forest", Role.STEWARD)));
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        IngestSettings ingest = new IngestSettings(broker.url(), "dashboard-collector", null, null, 1_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store"))
                .withAccounts(true));
        await().atMost(WAIT).until(() -> collector.get("/health").statusCode() == 200);
        BrowserPages.publishImpossibleSoilMoisture(broker.url());
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
        broker.close();
    }

    @Test
    void aViewerSignsIn_seesTheAlert_butNoAcknowledge_whileAStewardHasOne() throws Exception {
        String base = "http://127.0.0.1:" + collector.httpPort() + "/";
        browser.get(base + "#/alerts");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));

        signIn("vic", "not vic's password");
        await().atMost(WAIT).until(() -> browser.findElement(By.id("signin-error")).isDisplayed());
        assertThat(browser.findElement(By.id("signin-error")).getText()).contains("do not match");

        signIn("vic", "vic's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("article.alert")).isEmpty());
        assertThat(browser.findElement(By.cssSelector(".nav-name")).getText()).isEqualTo("vic");
        assertThat(browser.findElements(By.cssSelector("[data-action='acknowledge']"))).isEmpty();
        screenshot("signed-in-viewer-alerts.png");

        browser.findElement(By.className("person-summary")).click(); // the person menu holds Sign out
        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        screenshot("sign-in.png");
        signIn("ann", "ann's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector("[data-action='acknowledge']"))
                .isEmpty());
    }

    private void signIn(String name, String password) {
        BrowserPages.signIn(browser, name, password);
    }

    private void screenshot(String name) throws Exception {
        BrowserPages.screenshot(browser, name);
    }
}
