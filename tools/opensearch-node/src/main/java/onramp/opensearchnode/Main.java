/*
 * A single-node OpenSearch for onramp's tests: the server, the transport, analysis, painless and reindex modules and the
 * k-NN plugin, all loaded from the classpath (no distribution, no plugins folder, no security plugin), bound to
 * 127.0.0.1 only, with its data in the folder it is given.
 *
 *   java -Xms512m -Xmx1g -cp 'target/classes:target/lib/*:target/knn/*' onramp.opensearchnode.Main --data DIR [--http-port N] [--ephemeral]
 *
 * Prints one line `onramp-opensearch-node http://127.0.0.1:<port>` once the cluster answers. It stops when its
 * standard input closes (the test run that started it has ended, however it ended), on SIGTERM, or on SIGINT;
 * with --ephemeral it then deletes its data folder.
 */
package onramp.opensearchnode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

public final class Main {
    /** Plugins of the node; the k-NN one is looked up by name, it comes unpacked from its distribution zip. */
    private static final List<String> PLUGINS = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.knn.plugin.KNNPlugin"
    );

    /** Node's constructor that takes plugin classes is protected; this is all the subclass is for. */
    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        Path data = null;
        int httpPort = 0;
        boolean ephemeral = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]).toAbsolutePath();
                case "--http-port" -> httpPort = Integer.parseInt(args[++i]);
                case "--ephemeral" -> ephemeral = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: --data DIR [--http-port N]");
            }
        }
        if (data == null) throw new IllegalArgumentException("--data DIR is required");
        final Path dataDir = data;
        final boolean deleteData = ephemeral;
        Files.createDirectories(data.resolve("config"));

        Settings settings = Settings.builder()
            .put("path.home", data.toString())
            .put("path.data", data.resolve("data").toString())
            .put("path.logs", data.resolve("logs").toString())
            .put("cluster.name", "onramp-test")
            .put("node.name", "onramp-test-node")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            // 0: the system picks a free port, which is printed below; no race with other test runs.
            .put("http.port", httpPort)
            .put("transport.port", 0)
            // A test machine's disk may be fuller than the production watermarks allow.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", false)
            .put("logger.level", "WARN")
            .build();
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(settings);
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), data.resolve("config"), () -> "onramp-test-node");

        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGINS) plugins.add(Class.forName(name).asSubclass(Plugin.class));

        Node node = new ClasspathNode(environment, plugins);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread stop = new Thread(() -> {
            try {
                node.close();
            } catch (IOException | RuntimeException e) {
                e.printStackTrace();
            } finally {
                if (deleteData) deleteTree(dataDir);
                stopped.countDown();
            }
        }, "onramp-node-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        node.start();

        HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
        TransportAddress address = http.boundAddress().publishAddress();
        PrintStream out = System.out;
        out.println("onramp-opensearch-node http://" + address.getAddress() + ":" + address.getPort());
        out.flush();

        watchParent(System.in);
        stopped.await();
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    /** The node lives as long as whoever started it holds our stdin open: end of input is the signal to stop. */
    private static void watchParent(InputStream in) {
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() != -1) {
                    // Nothing is read on purpose; input is only a lifeline.
                }
            } catch (IOException ignored) {
                // A broken pipe means the same as end of input.
            }
            System.exit(0);
        }, "onramp-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
