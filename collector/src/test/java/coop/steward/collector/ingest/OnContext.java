package coop.steward.collector.ingest;

import io.vertx.core.Context;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs code on a link's context, as every call to a {@link BrokerLink} must be, and waits for it. */
final class OnContext {
    private OnContext() {
    }

    static void run(Context context, Runnable action) throws Exception {
        call(context, () -> {
            action.run();
            return null;
        });
    }

    static <T> T call(Context context, Supplier<T> action) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                done.complete(action.get());
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }
}
