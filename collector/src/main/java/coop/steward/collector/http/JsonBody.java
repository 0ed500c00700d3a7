package coop.steward.collector.http;

import coop.steward.collector.people.PeopleInput;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A request's body as a JSON object with the fields it may have, each read as the type it must be. Every refusal is a
 * 400 whose sentence shows the shape expected, so that a typo in a field's name is said rather than ignored.
 */
final class JsonBody {
    private final JsonObject json;
    private final String usage;

    private JsonBody(JsonObject json, String usage) {
        this.json = json;
        this.usage = usage;
    }

    /** @param usage the body's shape, e.g. {@code {"role": "steward"}}, for the sentences */
    static JsonBody of(RoutingContext ctx, String usage, Set<String> fields) {
        String text = ctx.body() == null ? null : ctx.body().asString();
        JsonObject json;
        try {
            json = new JsonObject(text == null ? "" : text);
        } catch (DecodeException | ClassCastException e) {
            throw ApiError.badRequest("send a JSON object: " + usage);
        }
        return of(json, usage, fields);
    }

    static JsonBody of(JsonObject json, String usage, Set<String> fields) {
        for (String name : json.fieldNames()) {
            if (!fields.contains(name)) {
                throw ApiError.badRequest("there is no field " + PeopleInput.quote(name) + " here; send " + usage);
            }
        }
        return new JsonBody(json, usage);
    }

    /** Text, or null when it is missing, null or blank. */
    String text(String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw ApiError.badRequest(name + " must be text; send " + usage);
        }
        return text.isBlank() ? null : text;
    }

    String requiredText(String name) {
        String text = text(name);
        if (text == null) {
            throw ApiError.badRequest(name + " is required; send " + usage);
        }
        return text;
    }

    /** A whole number, or null when it is missing or null. */
    Long number(String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            try {
                return new BigDecimal(number.toString()).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                // said below
            }
        }
        throw ApiError.badRequest(name + " must be a whole number; send " + usage);
    }

    /** A list of text, or null when it is missing or null. */
    List<String> texts(String name) {
        List<String> texts = new ArrayList<>();
        for (Object item : array(name)) {
            if (!(item instanceof String text)) {
                throw ApiError.badRequest(name + " must be a list of text; send " + usage);
            }
            texts.add(text);
        }
        return json.getValue(name) == null ? null : texts;
    }

    /** A list of objects, each with the fields it may have. */
    List<JsonBody> objects(String name, String itemUsage, Set<String> fields) {
        List<JsonBody> objects = new ArrayList<>();
        for (Object item : array(name)) {
            if (!(item instanceof JsonObject object)) {
                throw ApiError.badRequest(name + " must be a list of objects such as " + itemUsage + "; send "
                        + usage);
            }
            objects.add(of(object, itemUsage, fields));
        }
        return objects;
    }

    private JsonArray array(String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return new JsonArray();
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiError.badRequest(name + " must be a list; send " + usage);
        }
        return array;
    }
}
