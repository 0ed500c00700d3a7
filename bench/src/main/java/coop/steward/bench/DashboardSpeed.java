package coop.steward.bench;

import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.HeadlessChromium;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's speed as a user meets it, in Debian's headless Chromium against {@code bin/steward demo} (its own
 * process, with the demo's 60 days of history), timed with the browser's Performance API: when the overview's data
 * is on screen after a fresh load, how long the plot view takes to redraw for a year, and how many compressed bytes
 * the page's own scripts and styles weigh. Beside each, a baseline from the same browser and server: loading one
 * small static file, and redrawing the plot view for 24 hours.
 */
final class DashboardSpeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardSpeed.class);
    private static final int RUNS = 7;
    private static final Duration READY = Duration.ofMinutes(3);

    /** @param yearPoints points the plot view's charts drew for a year */
    record Result(double overviewMs, double staticPageMs, double yearRedrawMs, double dayRedrawMs, long ownBytes,
                  long chartLibraryBytes, long yearPoints) {
    }

    private final Process demo;
    private final int httpPort;
    private final ChromeDriver browser;

    private DashboardSpeed(Process demo, int httpPort, ChromeDriver browser) {
        this.demo = demo;
        this.httpPort = httpPort;
        this.browser = browser;
    }

    /** Starts the demo from the launcher's jar on a fresh data folder and waits until its history is in. */
    static DashboardSpeed start(Path work) throws Exception {
        Files.createDirectories(work);
        Path jar = Path.of("launcher/target/steward.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: bin/bench builds it");
        }
        int http = FreePort.find();
        int mqtt = FreePort.find();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process demo = new ProcessBuilder(java, "-jar", jar.toString(), "demo", "--data", work.resolve("demo").toString(),
                "--http", Integer.toString(http), "--mqtt-port", Integer.toString(mqtt))
                .redirectErrorStream(true).redirectOutput(work.resolve("demo.log").toFile()).start();
        waitForDemo(demo, http, work.resolve("demo.log"));
        return new DashboardSpeed(demo, http, HeadlessChromium.start(work.resolve("chromium"), 1400, 900));
    }

    private static void waitForDemo(Process demo, int http, Path log) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                throw new IllegalStateException("the demo exited: " + Files.readString(log));
            }
            try {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                        + "/health")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet: the first start fills the history before it serves
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the demo did not answer /health within " + READY);
    }

    Result measure() {
        String base = "http://127.0.0.1:" + httpPort + "/";
        List<Double> overview = new ArrayList<>();
        List<Double> staticPage = new ArrayList<>();
        long ownBytes = 0;
        long libraryBytes = 0;
        for (int run = 0; run <= RUNS; run++) {
            browser.get(base + "favicon.svg");
            double file = number("return performance.getEntriesByType('navigation')[0].loadEventEnd");
            browser.get("about:blank");
            browser.get(base + "#/today");
            awaitView(1);
            double ready = number("return performance.getEntriesByName('steward:view-ready:1')[0].startTime");
            if (run > 0) { // the first run warms the collector's JIT and the browser's caches of its own code
                staticPage.add(file);
                overview.add(ready);
            }
            ownBytes = bytes("!e.name.includes('/webjars/') && (e.name.endsWith('.js') || e.name.endsWith('.css'))");
            libraryBytes = bytes("e.name.includes('/webjars/')");
        }
        List<Double> year = new ArrayList<>();
        List<Double> day = new ArrayList<>();
        browser.get("about:blank"); // a fresh page: its first view is number 1
        browser.get(base + "#/plot/food-forest/bed-1?range=24h");
        awaitView(1);
        int view = 1;
        long points = 0;
        for (int run = 0; run <= RUNS; run++) {
            for (String preset : new String[] {"1y", "24h"}) {
                browser.findElement(By.cssSelector("button[data-range='" + preset + "']")).click();
                awaitView(++view);
                double ms = number("return performance.getEntriesByName('steward:view:plot:" + view
                        + "')[0].duration");
                if (preset.equals("1y")) {
                    points = (long) number("return [...document.querySelectorAll('.chart')]"
                            + ".reduce((n, c) => n + Number(c.dataset.points || 0), 0)");
                }
                if (run > 0) {
                    (preset.equals("1y") ? year : day).add(ms);
                }
            }
        }
        LOG.info("dashboard: overview {} ms (static file {} ms), year redraw {} ms (24 h {} ms), own JS+CSS {} bytes",
                median(overview), median(staticPage), median(year), median(day), ownBytes);
        return new Result(median(overview), median(staticPage), median(year), median(day), ownBytes, libraryBytes,
                points);
    }

    private void awaitView(int id) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> String.valueOf(id).equals(
                ((JavascriptExecutor) d).executeScript("return document.getElementById('view').dataset.ready")));
    }

    private long bytes(String filter) {
        return ((Number) ((JavascriptExecutor) browser).executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => " + filter + ").reduce((n, e) => n + e.encodedBodySize, 0)")).longValue();
    }

    private double number(String script) {
        return ((Number) ((JavascriptExecutor) browser).executeScript(script)).doubleValue();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Override
    public void close() {
        browser.quit();
        demo.destroy();
        try {
            demo.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
