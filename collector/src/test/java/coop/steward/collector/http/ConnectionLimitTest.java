package coop.steward.collector.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client opening connections by the hundred cannot take the dashboard from everyone else. */
class ConnectionLimitTest {
    @TempDir
    Path tmp;

    @Test
    void pastTheLimit_newConnectionsAreClosed_andOnceSomeCloseTheDashboardAnswersAgain() throws Exception {
        try (ApiServer server = ApiServer.start(tmp, "", Clock.systemUTC())) {
            List<Socket> hoard = new ArrayList<>();
            try {
                for (int i = 0; i < ConnectionLimit.MAX_CONNECTIONS; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    hoard.add(socket);
                    assertThat(request(socket)).as("connection %d", i).startsWith("HTTP/1.1 200");
                }

                try (Socket oneTooMany = new Socket("127.0.0.1", server.port())) {
                    oneTooMany.setSoTimeout(5_000);
                    assertThat(request(oneTooMany)).as("closed without an answer").isEmpty();
                }
            } finally {
                for (Socket socket : hoard) {
                    socket.close();
                }
            }
            Thread.sleep(500); // the server notices the closes
            assertThat(server.get("/health").statusCode()).isIn(200, 503);
        }
    }

    private static String request(Socket socket) throws Exception {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write("GET /api/v1/sites HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64];
        int read;
        try {
            read = in.read(buffer);
        } catch (java.net.SocketException e) {
            return ""; // reset: closed by the server
        }
        return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.US_ASCII);
    }
}
