package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStreamLimitTest {
    @TempDir
    Path tmp;

    @Test
    void pastAHundredStreams_theNextIsRefusedWith503_untilOneLeaves() throws Exception {
        List<Socket> streams = new ArrayList<>();
        try (ApiServer api = ApiServer.start(tmp.resolve("data"), "", Clock.systemUTC())) {
            for (int i = 0; i < EventStream.MAX_CLIENTS; i++) {
                Socket stream = open(api.port());
                streams.add(stream);
                assertThat(statusLine(stream)).as("stream %d", i).isEqualTo("HTTP/1.1 200 OK");
            }

            assertThat(api.refusal("/api/v1/stream", 503)).contains("100 clients already follow the event stream");
            assertThat(api.get("/api/v1/rejected").statusCode()).as("the rest of the API answers").isEqualTo(200);

            streams.remove(0).close();
            // The collector notices the closed connection on its own time.
            long until = System.currentTimeMillis() + 10_000;
            String status;
            do {
                Socket stream = open(api.port());
                streams.add(stream);
                status = statusLine(stream);
            } while (!status.equals("HTTP/1.1 200 OK") && System.currentTimeMillis() < until);
            assertThat(status).isEqualTo("HTTP/1.1 200 OK");
        } finally {
            for (Socket s : streams) {
                s.close();
            }
        }
    }

    private static Socket open(int port) throws Exception {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write("GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static String statusLine(Socket socket) throws Exception {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
    }
}
