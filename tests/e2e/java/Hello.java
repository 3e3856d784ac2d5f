// A service for the Java agent: the JDK's own HTTP server on the port given, which calls itself
// five times with the JDK's HttpClient (instrumented by the agent: client spans and the
// http.client.request.duration histogram), then waits until it is killed while the agent exports
// its spans and the JVM's metrics.
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

public class Hello {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/hello", exchange -> {
            byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 5; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build();
            client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        System.out.println("called");
    }
}
