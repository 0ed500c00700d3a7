package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Litres through the water meters ({@code water_total}) of a site in one day, against the budget. Each meter's
 * increase between two readings counts for the day of the later one; a meter that steps back was reset and counts
 * nothing for that step. The alert is about the site and is resolved when the next day begins.
 */
final class WaterBudgetRule implements Rule {
    static final String KIND = "water_total";
    private static final int DAYS_KEPT = 3;

    private record Meter(long t, double litres) {
    }

    private final RuleConfig.WaterBudget config;
    private final Map<Subject, Meter> meters = new HashMap<>();
    /** Per site: litres used per day (epoch day in the rule's zone), the latest few days. */
    private final Map<String, TreeMap<Long, Double>> sites = new HashMap<>();

    WaterBudgetRule(RuleConfig.WaterBudget config) {
        this.config = config;
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of(KIND);
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (!config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        long day = day(s.t());
        Subject site = Subject.site(s.site());
        Long opened = sink.openedAt(id(), site);
        if (opened != null && day(opened) < day) {
            long nextDay = day(opened) + 1;
            sink.clear(id(), site, start(nextDay), "A new day began; " + LocalDate.ofEpochDay(nextDay - 1) + " used "
                    + Wording.number(used(s.site(), nextDay - 1)) + " L.");
        }
        Meter last = meters.put(s.subject(), new Meter(s.t(), s.value()));
        if (last == null || s.value() <= last.litres()) {
            return;
        }
        TreeMap<Long, Double> days = sites.computeIfAbsent(s.site(), k -> new TreeMap<>());
        double total = days.merge(day, s.value() - last.litres(), Double::sum);
        while (days.size() > DAYS_KEPT) {
            days.pollFirstEntry();
        }
        boolean newestDay = days.lastKey() == day;
        if (total > config.litresPerDay() && newestDay && !sink.isActive(id(), site)) {
            sink.raise(new Finding(basics(), site, s.t(), total, s.site() + " has used " + Wording.number(total)
                    + " L of water on " + LocalDate.ofEpochDay(day) + " (" + config.zone().getId() + "), more than its "
                    + "budget of " + Wording.number(config.litresPerDay()) + " L a day.", start(day)));
        }
    }

    private double used(String site, long day) {
        TreeMap<Long, Double> days = sites.get(site);
        return days == null ? 0 : days.getOrDefault(day, 0.0);
    }

    private long day(long t) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(t), config.zone()).toEpochDay();
    }

    private long start(long day) {
        return LocalDate.ofEpochDay(day).atStartOfDay(config.zone()).toInstant().toEpochMilli();
    }

    @Override
    public String saveState() {
        JsonArray meterList = new JsonArray();
        meters.forEach((subject, meter) -> meterList.add(new JsonObject().put("site", subject.site())
                .put("device", subject.device()).put("sensor", subject.sensor()).put("t", meter.t())
                .put("litres", meter.litres())));
        JsonObject siteDays = new JsonObject();
        sites.forEach((site, days) -> {
            JsonObject perDay = new JsonObject();
            days.forEach((day, litres) -> perDay.put(Long.toString(day), litres));
            siteDays.put(site, perDay);
        });
        return new JsonObject().put("meters", meterList).put("sites", siteDays).encode();
    }

    @Override
    public void restoreState(String json) {
        JsonObject state = new JsonObject(json);
        for (Object o : state.getJsonArray("meters", new JsonArray())) {
            JsonObject m = (JsonObject) o;
            meters.put(new Subject(m.getString("site"), m.getString("device"), m.getString("sensor")),
                    new Meter(m.getLong("t"), m.getDouble("litres")));
        }
        JsonObject siteDays = state.getJsonObject("sites", new JsonObject());
        for (String site : siteDays.fieldNames()) {
            TreeMap<Long, Double> days = new TreeMap<>();
            JsonObject perDay = siteDays.getJsonObject(site);
            perDay.fieldNames().forEach(day -> days.put(Long.parseLong(day), perDay.getDouble(day)));
            sites.put(site, days);
        }
    }

    @Override
    public void forget(String site) {
        meters.keySet().removeIf(subject -> subject.site().equals(site));
        sites.remove(site);
    }
}
