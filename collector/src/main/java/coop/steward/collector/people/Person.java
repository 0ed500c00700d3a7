package coop.steward.collector.people;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Someone the collector knows, with the roles they hold; who a request comes from. */
public record Person(String name, List<Grant> grants) {
    /** Everyone, everything: a collector started open, as the demo on 127.0.0.1 is. */
    public static final Person OPEN = new Person("", List.of(new Grant(Grant.EVERY_SITE, Role.ADMIN)));

    public Person {
        grants = List.copyOf(grants);
    }

    /** True when one of their roles at {@code site} (or at every site) includes {@code role}. */
    public boolean may(Role role, String site) {
        return grants.stream().anyMatch(g -> g.covers(site) && g.role().includes(role));
    }

    /** True when they hold {@code role} at some site. */
    public boolean mayAnywhere(Role role) {
        return grants.stream().anyMatch(g -> g.role().includes(role));
    }

    public JsonObject toJson() {
        JsonArray roles = new JsonArray();
        grants.forEach(g -> roles.add(new JsonObject().put("site", g.site()).put("role", g.role().code())));
        return new JsonObject().put("name", name).put("roles", roles).put("open", this == OPEN);
    }
}
