package dev.productapi.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for test topologies, taken from 10000-21999: below Linux's ephemeral range
 * (32768 and up), so no outgoing connection grabs one between the check and the server's
 * bind, and low enough that a cluster node's bus port (port + 10000) is valid and also
 * below that range. Redis 6.2 has no {@code cluster-port} setting, so the bus port must
 * be port + 10000. Ports handed out in this JVM are not handed out again.
 */
final class Ports {

	private static final int FIRST = 10000;

	private static final int LAST = 21999;

	private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

	private Ports() {
	}

	/**
	 * A port that is free on 127.0.0.1, and whose port + 10000 is free too if
	 * {@code withBusPort}.
	 */
	static int free(boolean withBusPort) {
		for (int attempt = 0; attempt < 1000; attempt++) {
			int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
			if (HANDED_OUT.contains(port) || (withBusPort && HANDED_OUT.contains(port + 10000))) {
				continue;
			}
			if (isFree(port) && (!withBusPort || isFree(port + 10000)) && HANDED_OUT.add(port)) {
				if (withBusPort) {
					HANDED_OUT.add(port + 10000);
				}
				return port;
			}
		}
		throw new IllegalStateException("No free port found in " + FIRST + "-" + LAST);
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getByName(RedisNode.HOST), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
