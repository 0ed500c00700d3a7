package coop.steward.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import coop.steward.collector.CollectorSettings;
import coop.steward.collector.config.CollectorConfig;
import coop.steward.collector.ingest.IngestSettings;
import coop.steward.collector.people.Grant;
import coop.steward.collector.people.PeopleStore;
import coop.steward.collector.people.Role;
import coop.steward.testsupport.HeadlessChromium;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * An admin of every site changes the alert rules on the Settings page in a real headless Chromium: a mistake is
 * shown with its line and nothing is saved; the corrected config is saved to the collector's file and said to be in
 * effect. A site's admin finds no Settings in the menu.
 */
class SettingsBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STARTED = "alerts:\n  defaults: [devices, food-forest]\n";

    @TempDir
    Path tmp;
    private Path file;
    private MosquittoBroker broker;
    private RunningCollector collector;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("store"));
        people.add("ada", "ada's long password", List.of(new Grant(Grant.EVERY_SITE, Role.ADMIN)));
        people.add("sam", "sam's long password", List.of(new Grant("food-forest", Role.ADMIN)));
        file = tmp.resolve("collector.yaml");
        Files.writeString(file, STARTED);
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        IngestSettings ingest = new IngestSettings(broker.url(), "settings-collector", null, null, 1_000, 20_000);
        collector = RunningCollector.start(new CollectorSettings(ingest, "127.0.0.1", 0, tmp.resolve("store"))
                .with(CollectorConfig.load(file)).withConfigFile(file).withAccounts(true));
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 1400, 900);
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
    void anAdminSeesAMistakesLine_thenSavesTheRules_andASiteAdminHasNoSettings() throws Exception {
        String base = "http://127.0.0.1:" + collector.httpPort() + "/";
        browser.get(base + "#/settings");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "ada", "ada's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(".settings-text")).isEmpty());
        WebElement text = browser.findElement(By.cssSelector(".settings-text"));
        assertThat(text.getAttribute("value")).isEqualTo(STARTED);

        String berries = STARTED + "  rules:\n    - id: berries-dry\n      type: threshold\n      kind: soil_moisture\n"
                + "      devices: [bed-3]\n      below: 26\n";
        replace(text, berries.replace("below: 26", "below: soggy"));
        browser.findElement(By.cssSelector("[data-action='save-settings']")).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.cssSelector(".settings-problems")).getText()
                .contains("Line 8"));
        assertThat(browser.findElement(By.cssSelector(".settings-status")).getText()).startsWith("Not saved");
        assertThat(Files.readString(file)).isEqualTo(STARTED);
        BrowserPages.screenshot(browser, "settings-problem.png");

        replace(text, berries);
        browser.findElement(By.cssSelector("[data-action='save-settings']")).click();
        await().atMost(WAIT).until(() -> browser.findElement(By.cssSelector(".settings-status")).getText()
                .startsWith("Saved"));
        assertThat(browser.findElement(By.cssSelector(".settings-status")).getText()).contains("alert rules");
        assertThat(Files.readString(file)).isEqualTo(berries);
        BrowserPages.screenshot(browser, "settings.png");

        browser.findElement(By.cssSelector(".person-summary")).click();
        browser.findElement(By.cssSelector(".menu-sign-out")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "sam", "sam's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(".person-summary")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(".menu-link[data-view='people']"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector(".menu-link[data-view='settings']"))).isEmpty();
    }

    /** Selects all of the text area's text and types the new text over it, as a person would. */
    private void replace(WebElement text, String value) {
        browser.executeScript("arguments[0].value = ''", text);
        text.sendKeys(value);
    }
}
