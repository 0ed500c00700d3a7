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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A hub's Sites page in a real headless Chromium: every site that reports to the hub, a site whose link is down
 * first, each with what waits at it and what it shares; a person sees only the sites they may view. The sites'
 * reports are published as the contract gives them (ForwardingTest covers the collector that sends them).
 */
class HubBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private MosquittoBroker broker;
    private RunningCollector hub;
    private ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        PeopleStore people = PeopleStore.open(tmp.resolve("hub"));
        people.add("rhea", "rhea's long password", List.of(new Grant(Grant.EVERY_SITE, Role.VIEWER)));
        people.add("olu", "olu's long password", List.of(new Grant("orchard", Role.STEWARD)));
        broker = MosquittoBroker.start(tmp.resolve("mosquitto"));
        hub = RunningCollector.start(new CollectorSettings(new IngestSettings(broker.url(), "hub", null, null, 1_000,
                20_000), "127.0.0.1", 0, tmp.resolve("hub")).withAccounts(true).withFederation(null, true));
        long now = System.currentTimeMillis();
        MqttClient sites = new MqttClient(broker.url(), "sites", new MemoryPersistence());
        sites.connect();
        report(sites, "food-forest", "{\"v\":1,\"t\":" + now + ",\"share\":\"everything\",\"devices\":{\"pump\":"
                + "\"status\"},\"backlog\":0,\"messages\":0,\"catchUp\":2000,\"openAlerts\":1}");
        report(sites, "orchard", "{\"v\":1,\"t\":" + (now - 3 * 3_600_000) + ",\"share\":\"everything\","
                + "\"backlog\":18250,\"messages\":1825,\"oldest\":" + (now - 4 * 3_600_000)
                + ",\"catchUp\":2000,\"openAlerts\":0}");
        sites.disconnect();
        browser = HeadlessChromium.start(tmp.resolve("chromium"), 1400, 900);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (hub != null) {
            hub.close();
        }
        broker.close();
    }

    @Test
    void theSitesPage_putsALinkThatIsDownFirst_andShowsWhatWaitsAndWhatIsShared() throws Exception {
        browser.get("http://127.0.0.1:" + hub.httpPort() + "/#/sites");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "rhea", "rhea's long password");
        await().atMost(WAIT).until(() -> browser.findElements(By.cssSelector(".hub-site")).size() == 2);

        List<WebElement> cards = browser.findElements(By.cssSelector(".hub-site"));
        assertThat(cards).extracting(c -> c.getAttribute("data-site")).containsExactly("orchard", "food-forest");
        WebElement orchard = cards.get(0);
        assertThat(orchard.findElement(By.cssSelector(".state-text")).getText()).isEqualTo("Link down");
        assertThat(orchard.getText()).contains("18\u202f250 readings").contains("4 h 0 min")
                .contains("it keeps everything until the link is back");
        WebElement forest = cards.get(1);
        assertThat(forest.findElement(By.cssSelector(".state-text")).getText()).isEqualTo("Linked");
        assertThat(forest.getText()).contains("nothing: up to date").contains("every reading and status")
                .contains("pump: device status and alerts only").contains("1 alert");
        assertThat(browser.findElement(By.cssSelector(".nav-link[data-view='sites']")).getAttribute("aria-current"))
                .isEqualTo("page");
        BrowserPages.screenshot(browser, "hub-sites.png");
        forest.findElement(By.linkText("Today")).click();
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().endsWith("#/today/food-forest"));

        browser.manage().deleteAllCookies();
        browser.get("http://127.0.0.1:" + hub.httpPort() + "/#/sites");
        await().atMost(WAIT).until(() -> browser.getCurrentUrl().contains("signin.html"));
        BrowserPages.signIn(browser, "olu", "olu's long password");
        await().atMost(WAIT).until(() -> !browser.findElements(By.cssSelector(".hub-site")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(".hub-site"))).extracting(c -> c.getAttribute("data-site"))
                .as("a steward of the orchard only").containsExactly("orchard");
    }

    private static void report(MqttClient client, String site, String json) throws Exception {
        client.publish("steward/v1/" + site + "/forward", json.getBytes(StandardCharsets.UTF_8), 1, true);
    }
}
