package coop.steward.bench;

import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the harness's own publishers cost the machine: the standard load published to a Mosquitto of its own that
 * has no subscriber, while the harness's process does nothing else (its JIT compiler and garbage collector count,
 * as they do in the ingest runs). A site's devices run on machines of their own; here they share the collector's
 * cores, and the ingest rows' CPU includes them. The CPU is each process's user and system time, which leaves out
 * the kernel's interrupt work for the loopback traffic that the whole machine's count (/proc/stat) includes: if
 * anything, the publishers' share is understated.
 */
final class PublishersAlone {
    /** Core-seconds per million readings: the harness's process publishing, and Mosquitto taking what it sends. */
    record Cost(double publishers, double broker) {
    }

    private PublishersAlone() {
    }

    static Cost measure(Path dir, Load load) throws Exception {
        try (MosquittoBroker broker = Bench.ingestBroker(dir)) {
            Load.Prepared payloads = load.prepare();
            PartsCpu cpu = PartsCpu.start(Map.of("publishers", List.of(ProcessHandle.current().pid()),
                    "broker", List.of(broker.pid())));
            payloads.publish(broker.url());
            Map<String, Double> spent = cpu.stop();
            return new Cost(spent.get("publishers") * 1e6 / load.readings(), spent.get("broker") * 1e6 / load.readings());
        }
    }
}
