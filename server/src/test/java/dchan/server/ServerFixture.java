package dchan.server;

import dchan.server.session.Config;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A server on a free loopback port per test, and clients that are closed after it. */
abstract class ServerFixture {
  Server server;
  private final List<P9Client> clients = new ArrayList<>();

  Config config() {
    return Config.defaults();
  }

  @BeforeEach
  void startServer() throws IOException {
    server = new Server(new InetSocketAddress("127.0.0.1", 0), config(), 2).start();
  }

  @AfterEach
  void stopServer() throws IOException {
    for (P9Client c : clients) {
      c.close();
    }
    server.close();
  }

  P9Client client() throws IOException {
    P9Client c = new P9Client(server.address());
    clients.add(c);
    return c;
  }
}
