package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.ListOfMapsOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.lettuce.core.sentinel.api.sync.RedisSentinelCommands;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Sentinel deployment of the test's own on 127.0.0.1: one master, one replica and
 * three sentinels (quorum 2) monitoring the master as {@link #masterName()}, each process
 * with its own temporary directory and log, on free ports. Timings are short so a
 * failover is over in a few seconds: {@code down-after-milliseconds}
 * {@value #DOWN_AFTER_MILLIS}, {@code failover-timeout}
 * {@value #FAILOVER_TIMEOUT_MILLIS}, {@code parallel-syncs 1}.
 * <p>
 * The sentinels are started already knowing each other and the replica
 * ({@code sentinel myid}, {@code known-sentinel}, {@code known-replica} in their config
 * files), so start-up does not wait for the hello messages (every 2 s) that would
 * otherwise introduce them. It takes about 1.2 s, most of it a sentinel waiting 1 s to
 * retry its link to another sentinel that was not listening yet at its first try.
 *
 * <h2>Holding back replication</h2> {@link #holdBackReplication()} makes the writes from
 * then on reach the master only, so that a crash of the master loses them, which is how
 * an asynchronously replicated write that the master acknowledged gets lost in a
 * failover. What was found out with Redis 6.2.11 (the embedded binary) and 7.0.15 alike
 * ({@code ReplicationHoldBackExploration} repeats it):
 * <ul>
 * <li>Freezing the replica (SIGSTOP) alone does <em>not</em> hold anything back: the
 * master's writes to the replication socket land in the frozen replica's kernel receive
 * buffer (what does not fit waits in the master's kernel send buffer, which the kernel
 * still delivers after the master's process is killed), and the replica applies all of it
 * when thawed, before it reads the end of the stream. Only what is still in the master's
 * own output buffer for the replica when it dies is lost, which takes megabytes of writes
 * first (32 MB of them did it).
 * <li>{@code DEBUG SLEEP} on the replica does not hold anything back either, for the same
 * reason; it also wakes up at a time fixed in advance, and needs
 * {@code enable-debug-command} on Redis 7.
 * <li>{@code CLIENT PAUSE} on the replica does hold it back: the link to the master is a
 * client like any other there, so the stream waits unapplied in its query buffer, which
 * is dropped when the link breaks. With {@code ALL} the replica stops answering the
 * sentinels too and the failover waits for the pause to end; with {@code WRITE} it keeps
 * answering reads and PINGs, and a {@code CLIENT UNPAUSE} once the replica reports
 * {@code master_link_status:down} after the master's crash (not before, or the buffered
 * stream is applied) gives a failover as quick as a plain crash. It rests on how Redis
 * treats the master's link internally, though, and a new master paused for writes refuses
 * them.
 * <li>Most robust, and what {@link #holdBackReplication()} does: freeze the replica, then
 * {@code CLIENT KILL TYPE replica} on the master and wait for {@code connected_slaves:0}.
 * The master drops the connection with its output buffer, and the frozen replica cannot
 * reconnect, so every write from then on exists only on the master; killing the master
 * and then thawing the replica leaves the replica with exactly the data it had at the
 * hold. It depends on nothing but the kernel and is checked, not timed.
 * </ul>
 * Will the sentinels promote a replica that was frozen for N seconds before the master
 * died? Yes, whatever N (0, 3 and 12 s were tried), if it is thawed right after the
 * master's crash, as {@link ReplicationHold#crashMaster()} does: the failover then takes
 * as long as without a hold (the new master accepted writes about 1.5 s after the crash,
 * every sentinel reported it after 2.3 s). A sentinel picks a replica that is not SDOWN
 * or disconnected, answered PING and INFO within the last 5 s (INFO goes to the replicas
 * of a master that is down every second), has a {@code replica-priority} other than 0,
 * and reports a {@code master_link_down_since_seconds} of at most the time the master has
 * been down plus 10 x {@code down-after-milliseconds}. A frozen replica answers nothing,
 * but its link-down time counts from when it notices the broken link, after the thaw, so
 * that last rule never rejects it however long it was frozen; thawed at once, it answers
 * long before the sentinels agree the master is down (1 s) and elect a leader. Thawed
 * later, things get slow and odd: the leader may select the replica while it is frozen
 * but not yet SDOWN, its {@code SLAVEOF NO ONE} waits in the frozen replica's socket, the
 * sentinel gives up after {@code failover-timeout}
 * ({@code -failover-abort-slave-timeout}), the next leader finds no good replica
 * ({@code -failover-abort-no-good-slave}), and each new attempt comes only 2 x
 * {@code failover-timeout} after the last. Thawed 3 s after the crash, the replica was
 * promoted at once (the queued command was still within the timeout); thawed 8 s after,
 * it turned itself into a master on thaw (the stale queued command) but the sentinels
 * reported it only after 14-15 s. A replica cut off from its master <em>without</em>
 * being frozen (one that notices the link is down while the master still runs) is the one
 * the last rule can reject: from Sentinel's source, once its link has been down 10 x
 * {@code down-after-milliseconds} longer than the master has been, no failover happens at
 * all (not tried here).
 */
public final class TestRedisSentinel implements AutoCloseable {

	public static final String DEFAULT_MASTER_NAME = "products";

	public static final int DOWN_AFTER_MILLIS = 1000;

	public static final int FAILOVER_TIMEOUT_MILLIS = 3000;

	/** The key of {@link RedisNode#acceptsWrite}: never written, only deleted. */
	static final String WRITE_PROBE_KEY = "test-topology:write-probe";

	private static final int START_ATTEMPTS = 3;

	private final String masterName;

	private final RedisSecurity security;

	private final Path root;

	private final List<RedisNode> dataNodes = new ArrayList<>();

	private final List<RedisNode> sentinels = new ArrayList<>();

	private final Map<RedisNode, StatefulRedisSentinelConnection<String, String>> sentinelConnections = new HashMap<>();

	private volatile RedisNode master;

	private Duration startupTime;

	private TestRedisSentinel(String masterName, RedisSecurity security) {
		this.masterName = masterName;
		this.security = security;
		this.root = RedisNode.newDirectory("redis-sentinel-");
	}

	/** Starts a deployment monitoring its master as {@value #DEFAULT_MASTER_NAME}. */
	public static TestRedisSentinel started() {
		return started(DEFAULT_MASTER_NAME);
	}

	public static TestRedisSentinel started(String masterName) {
		return started(masterName, RedisSecurity.NONE);
	}

	/**
	 * Starts a deployment monitoring its master as {@value #DEFAULT_MASTER_NAME} whose
	 * processes require the password and/or TLS: the data nodes the password (the
	 * sentinels know it by {@code sentinel auth-pass}), the sentinels the sentinel
	 * password, if any, and all of them TLS.
	 */
	public static TestRedisSentinel started(RedisSecurity security) {
		return started(DEFAULT_MASTER_NAME, security);
	}

	public static TestRedisSentinel started(String masterName, RedisSecurity security) {
		RuntimeException last = null;
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			TestRedisSentinel sentinel = new TestRedisSentinel(masterName, security);
			try {
				sentinel.start();
				return sentinel;
			}
			catch (RedisNode.StartFailure ex) {
				// most likely a port taken between the check and the bind: try other
				// ports
				last = ex;
				sentinel.close();
			}
			catch (RuntimeException | Error ex) {
				sentinel.close();
				throw ex;
			}
		}
		throw last;
	}

	private void start() {
		long started = System.nanoTime();
		RedisExecutable executable = RedisExecutable.get();
		int masterPort = Ports.free(false);
		int replicaPort = Ports.free(false);
		RedisNode masterNode = dataNode("master", masterPort, null, executable);
		RedisNode replicaNode = dataNode("replica", replicaPort, masterPort, executable);
		this.dataNodes.add(masterNode);
		this.dataNodes.add(replicaNode);
		this.master = masterNode;
		masterNode.launch();
		replicaNode.launch();

		int[] ports = { Ports.free(false), Ports.free(false), Ports.free(false) };
		String[] ids = { newRunId(), newRunId(), newRunId() };
		for (int i = 0; i < 3; i++) {
			this.sentinels.add(sentinelNode(i, ports, ids, masterPort, replicaPort));
		}
		masterNode.awaitReady(Duration.ofSeconds(10));
		replicaNode.awaitReady(Duration.ofSeconds(10));
		// A replica started with --replicaof connects from its once-a-second cron, up to
		// 1 s later; REPLICAOF at run time connects at once. (The argument stays, for
		// restarts.)
		replicaNode.commands().replicaofNoOne();
		replicaNode.commands().replicaof(RedisNode.HOST, masterPort);
		this.sentinels.forEach(RedisNode::launch);
		this.sentinels.forEach((sentinel) -> sentinel.awaitReady(Duration.ofSeconds(10)));
		awaitCondition("the replica is in sync with the master", Duration.ofSeconds(20),
				() -> "up".equals(replicaNode.info("replication").get("master_link_status")));
		for (RedisNode sentinel : this.sentinels) {
			awaitCondition(sentinel + " sees the master, the replica and both other sentinels as up",
					Duration.ofSeconds(20), () -> monitorsEverything(sentinel, masterNode, replicaNode));
		}
		this.startupTime = Duration.ofNanos(System.nanoTime() - started);
	}

	private RedisNode dataNode(String name, int port, Integer masterPort, RedisExecutable executable) {
		Path dir = directory(name);
		List<String> args = new ArrayList<>(this.security.serverArguments(port, false));
		args.addAll(List.of("--bind", RedisNode.HOST, "--protected-mode", "no", "--save", "", "--appendonly", "no",
				"--dir", dir.toString(),
				// a full sync at once, without the disk, and without 7.0's 5 s delay
				"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
		if (masterPort != null) {
			args.addAll(List.of("--replicaof", RedisNode.HOST, String.valueOf(masterPort)));
		}
		if (executable.isAtLeast(7, 0)) {
			args.addAll(List.of("--enable-debug-command", "yes"));
		}
		return new RedisNode(name, dir, port, args, false, this.security);
	}

	private RedisNode sentinelNode(int index, int[] ports, String[] ids, int masterPort, int replicaPort) {
		Path dir = directory("sentinel-" + (index + 1));
		RedisSecurity own = this.security.forSentinels();
		StringBuilder conf = new StringBuilder();
		conf.append(own.sentinelConfiguration(ports[index]));
		conf.append("bind ").append(RedisNode.HOST).append('\n');
		conf.append("protected-mode no\n");
		conf.append("daemonize no\n");
		conf.append("dir ").append(dir).append('\n');
		conf.append("sentinel myid ").append(ids[index]).append('\n');
		conf.append("sentinel monitor ")
			.append(this.masterName)
			.append(' ')
			.append(RedisNode.HOST)
			.append(' ')
			.append(masterPort)
			.append(" 2\n");
		conf.append(this.security.sentinelAuthPass(this.masterName));
		conf.append("sentinel down-after-milliseconds ")
			.append(this.masterName)
			.append(' ')
			.append(DOWN_AFTER_MILLIS)
			.append('\n');
		conf.append("sentinel failover-timeout ")
			.append(this.masterName)
			.append(' ')
			.append(FAILOVER_TIMEOUT_MILLIS)
			.append('\n');
		conf.append("sentinel parallel-syncs ").append(this.masterName).append(" 1\n");
		conf.append("sentinel known-replica ")
			.append(this.masterName)
			.append(' ')
			.append(RedisNode.HOST)
			.append(' ')
			.append(replicaPort)
			.append('\n');
		for (int other = 0; other < ports.length; other++) {
			if (other != index) {
				conf.append("sentinel known-sentinel ")
					.append(this.masterName)
					.append(' ')
					.append(RedisNode.HOST)
					.append(' ')
					.append(ports[other])
					.append(' ')
					.append(ids[other])
					.append('\n');
			}
		}
		Path file = dir.resolve("sentinel.conf");
		try {
			Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new RedisNode("sentinel-" + (index + 1), dir, ports[index], List.of(file.toString(), "--sentinel"),
				false, own);
	}

	private Path directory(String name) {
		try {
			return Files.createDirectories(this.root.resolve(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String newRunId() {
		byte[] bytes = new byte[20];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	private boolean monitorsEverything(RedisNode sentinel, RedisNode masterNode, RedisNode replicaNode) {
		RedisSentinelCommands<String, String> commands = sentinelCommands(sentinel);
		Map<String, String> monitored = commands.master(this.masterName);
		if (!"master".equals(monitored.get("flags")) || !String.valueOf(masterNode.port()).equals(monitored.get("port"))
				|| !"2".equals(monitored.get("num-other-sentinels"))) {
			return false;
		}
		boolean replicaUp = commands.replicas(this.masterName)
			.stream()
			.anyMatch((replica) -> String.valueOf(replicaNode.port()).equals(replica.get("port"))
					&& "slave".equals(replica.get("flags")) && "ok".equals(replica.get("master-link-status")));
		if (!replicaUp) {
			return false;
		}
		List<Map<String, String>> others = commands.dispatch(CommandType.SENTINEL,
				new ListOfMapsOutput<>(StringCodec.UTF8),
				new CommandArgs<>(StringCodec.UTF8).add("SENTINELS").add(this.masterName));
		return others.size() == 2 && others.stream().allMatch((other) -> "sentinel".equals(other.get("flags")));
	}

	/**
	 * How long {@link #started()} took, from the first process start to all sentinels
	 * ready.
	 */
	public Duration startupTime() {
		return this.startupTime;
	}

	public String masterName() {
		return this.masterName;
	}

	/** The sentinels' addresses, {@code 127.0.0.1:port} each. */
	public List<String> sentinelAddresses() {
		return this.sentinels.stream().map(RedisNode::address).toList();
	}

	/**
	 * {@code redis-sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3#products}, or
	 * {@code rediss-sentinel://...} with TLS; without passwords (see
	 * {@link #security()}).
	 */
	public String uri() {
		return (this.security.tls() ? "rediss-sentinel://" : "redis-sentinel://")
				+ String.join(",", sentinelAddresses()) + "#" + this.masterName;
	}

	/**
	 * Lettuce's {@link RedisURI} of the group, with the passwords and TLS of
	 * {@link #security()}.
	 */
	public RedisURI redisUri() {
		RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(this.masterName);
		for (RedisNode sentinel : this.sentinels) {
			builder.withSentinel(RedisNode.HOST, sentinel.port(), this.security.sentinelPassword());
		}
		return this.security.apply(builder).build();
	}

	/** The password and TLS that the processes require. */
	public RedisSecurity security() {
		return this.security;
	}

	public List<RedisNode> sentinels() {
		return List.copyOf(this.sentinels);
	}

	/** The master and the replica (in start order, whatever their roles are now). */
	public List<RedisNode> dataNodes() {
		return List.copyOf(this.dataNodes);
	}

	/**
	 * The current master: the node the first answering sentinel reports, or the last one
	 * known (see {@link #awaitFailover}) if none answers.
	 */
	public RedisNode master() {
		for (RedisNode sentinel : this.sentinels) {
			RedisNode reported = reportedMaster(sentinel);
			if (reported != null) {
				return reported;
			}
		}
		return this.master;
	}

	/** The data node that is not {@link #master()}. */
	public RedisNode replica() {
		RedisNode current = master();
		return this.dataNodes.stream().filter((node) -> node != current).findFirst().orElseThrow();
	}

	/**
	 * The data node a sentinel reports as master, or null if it does not answer (or names
	 * another).
	 */
	public RedisNode reportedMaster(RedisNode sentinel) {
		if (!sentinel.isRunning() || sentinel.isFrozen()) {
			return null;
		}
		try {
			SocketAddress address = sentinelCommands(sentinel).getMasterAddrByName(this.masterName);
			if (!(address instanceof InetSocketAddress inet)) {
				return null;
			}
			return this.dataNodes.stream().filter((node) -> node.port() == inet.getPort()).findFirst().orElse(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Lettuce's sentinel commands on one sentinel (short timeout). */
	public synchronized RedisSentinelCommands<String, String> sentinelCommands(RedisNode sentinel) {
		StatefulRedisSentinelConnection<String, String> connection = this.sentinelConnections.get(sentinel);
		if (connection == null) {
			RedisURI uri = sentinel.security()
				.builder(RedisNode.HOST, sentinel.port())
				.withTimeout(Duration.ofSeconds(1))
				.build();
			connection = RedisNode.probeClient().connectSentinel(StringCodec.UTF8, uri);
			this.sentinelConnections.put(sentinel, connection);
		}
		return connection.sync();
	}

	/**
	 * Waits until the sentinels have replaced the master known so far (the first one, or
	 * the one the previous call returned): every running sentinel reports the same other
	 * data node, which answers {@code ROLE} as master and accepts a write. The data nodes
	 * are polled every 20 ms meanwhile, so the result tells when the new master first
	 * accepted a write (before the sentinels report it, usually).
	 */
	public Failover awaitFailover(Duration timeout) {
		RedisNode oldMaster = this.master;
		Instant begin = TestTime.now();
		Instant disruptedAt = (oldMaster.lastDisruption() != null) ? oldMaster.lastDisruption() : begin;
		Map<RedisNode, Instant> writableAt = new HashMap<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		long nextSentinelPoll = 0;
		while (true) {
			for (RedisNode node : this.dataNodes) {
				if (node != oldMaster && node.isRunning() && !node.isFrozen() && !writableAt.containsKey(node)
						&& node.acceptsWrite(WRITE_PROBE_KEY)) {
					writableAt.put(node, TestTime.now());
				}
			}
			if (System.nanoTime() - nextSentinelPoll >= 0) {
				nextSentinelPoll = System.nanoTime() + 100_000_000L;
				RedisNode agreed = agreedMaster();
				if (agreed != null && agreed != oldMaster && writableAt.containsKey(agreed)
						&& "master".equals(agreed.role())) {
					this.master = agreed;
					return new Failover(oldMaster, agreed, disruptedAt, writableAt.get(agreed), TestTime.now());
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("No failover away from " + oldMaster + " within " + timeout.toMillis()
						+ " ms; the sentinels report " + reports() + "; writable: " + writableAt.keySet() + "\n"
						+ logs());
			}
			RedisNode.sleep(20);
		}
	}

	/**
	 * The master all running sentinels report, if they agree and at least a quorum
	 * answered.
	 */
	private RedisNode agreedMaster() {
		RedisNode agreed = null;
		int answers = 0;
		for (RedisNode sentinel : this.sentinels) {
			if (!sentinel.isRunning() || sentinel.isFrozen()) {
				continue;
			}
			RedisNode reported = reportedMaster(sentinel);
			if (reported == null || (agreed != null && reported != agreed)) {
				return null;
			}
			agreed = reported;
			answers++;
		}
		return (answers >= 2) ? agreed : null;
	}

	private String reports() {
		return this.sentinels.stream()
			.map((sentinel) -> sentinel.name() + "=" + reportedMaster(sentinel))
			.collect(Collectors.joining(", ", "[", "]"));
	}

	/** The last lines of every process's log. */
	public String logs() {
		StringBuilder logs = new StringBuilder();
		for (RedisNode node : this.dataNodes) {
			logs.append("--- ").append(node).append('\n').append(node.logTail(15)).append('\n');
		}
		for (RedisNode node : this.sentinels) {
			logs.append("--- ").append(node).append('\n').append(node.logTail(25)).append('\n');
		}
		return logs.toString();
	}

	/**
	 * Cuts the current replica off from the master so that every write from now on
	 * reaches the master only (see the class comment for why this way): waits until the
	 * replica has everything the master has, freezes it (SIGSTOP) and has the master drop
	 * its connection.
	 */
	public ReplicationHold holdBackReplication() {
		return ReplicationHold.start(master(), replica());
	}

	private static void awaitCondition(String description, Duration timeout, BooleanSupplier condition) {
		await(description).atMost(timeout).until(() -> {
			try {
				return condition.getAsBoolean();
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
	}

	/** Kills every process, closes the connections and deletes the directories. */
	@Override
	public synchronized void close() {
		this.sentinelConnections.values().forEach((connection) -> connection.closeAsync());
		this.sentinelConnections.clear();
		for (RedisNode node : this.sentinels) {
			node.close();
		}
		for (RedisNode node : this.dataNodes) {
			node.close();
		}
		RedisNode.deleteDirectory(this.root);
	}

}
