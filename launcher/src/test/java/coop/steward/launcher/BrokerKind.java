package coop.steward.launcher;

import coop.steward.launcher.broker.EmbeddedBroker;
import coop.steward.testsupport.FreePort;
import coop.steward.testsupport.MosquittoBroker;
import java.nio.file.Path;

/**
 * The two brokers the collector meets: a real Mosquitto set up as docs/deployment.md says, and the demo's
 * embedded one. Tests that must hold for both run once with each.
 */
enum BrokerKind {
    MOSQUITTO {
        @Override
        Running start(Path dir) {
            MosquittoBroker broker = MosquittoBroker.start(dir, MosquittoBroker.AS_DEPLOYED.toArray(String[]::new));
            return new Running(broker.port(), broker::close);
        }
    },
    EMBEDDED {
        @Override
        Running start(Path dir) throws Exception {
            EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", FreePort.find(), dir);
            return new Running(broker.port(), broker::close);
        }
    };

    abstract Running start(Path dir) throws Exception;

    record Running(int port, AutoCloseable stopper) implements AutoCloseable {
        String url() {
            return "tcp://127.0.0.1:" + port;
        }

        @Override
        public void close() throws Exception {
            stopper.close();
        }
    }
}
