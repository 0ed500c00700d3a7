package coop.steward.collector.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Requests that are not well formed get the contract's 4xx with a sentence, like every other refusal: an address
 * with a broken percent-escape, and requests the HTTP server itself cannot read (too long, not HTTP).
 */
public final class MalformedRequests {
    private MalformedRequests() {
    }

    /** The router's first handler: refuses an address whose path or query cannot be decoded. */
    static void checkAddress(RoutingContext ctx) {
        String problem = null;
        try {
            URLDecoder.decode(ctx.request().path(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            problem = "its path";
        }
        if (problem == null) {
            try {
                ctx.queryParams();
            } catch (RuntimeException e) {
                problem = "its query string";
            }
        }
        if (problem != null) {
            ctx.fail(ApiError.badRequest("the address is malformed: " + problem + " has a '%' that is not followed "
                    + "by two hexadecimal digits; write special characters as %XX (UTF-8), e.g. a space as %20"));
            return;
        }
        ctx.next();
    }

    /** For the HTTP server: what it answers to a request it could not parse, instead of an empty body. */
    public static void invalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        int status;
        String error;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            error = "the request line is too long (the limit is 4,096 bytes): ask for less in one request";
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            error = "the request headers are too large (the limit is 8,192 bytes): send fewer or smaller headers";
        } else {
            status = 400;
            error = "the request is not well-formed HTTP/1.1" + (cause == null ? "" : " (" + cause.getMessage() + ")")
                    + ": send a request line such as GET /api/v1/devices HTTP/1.1, then headers";
        }
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Connection", "close").end(new JsonObject().put("error", error).encode())
                .onComplete(ar -> request.connection().close());
    }
}
