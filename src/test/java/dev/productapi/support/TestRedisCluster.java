package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.StringCodec;

import static org.awaitility.Awaitility.await;

/**
 * A Redis Cluster of the test's own on 127.0.0.1: three masters with one replica each
 * (six {@code redis-server} processes, each with its own temporary directory,
 * {@code nodes.conf} and log), formed without {@code redis-cli} by
 * {@code CLUSTER SET-CONFIG-EPOCH}, {@code ADDSLOTS} (in batches: Redis 6.2 has no
 * {@code ADDSLOTSRANGE}), {@code MEET} and {@code REPLICATE}. Masters own 0-5460,
 * 5461-10922 and 10923-16383, as redis-cli would assign them.
 * <p>
 * {@code cluster-node-timeout} is {@value #NODE_TIMEOUT_MILLIS} ms so a master failover
 * is over in a few seconds, and {@code cluster-replica-validity-factor} is 0 so a replica
 * is promoted however long it was cut off (with the default, 10, a replica whose link to
 * its master had been down for more than about 10 x node timeout + 10 s would never take
 * over). Full coverage is required (the default): while a master is down and not yet
 * replaced, the cluster refuses every command with CLUSTERDOWN.
 * <p>
 * Node ports are below 22000 because the cluster bus listens on port + 10000 (Redis 6.2
 * has no {@code cluster-port}).
 */
public final class TestRedisCluster implements AutoCloseable {

	public static final int NODE_TIMEOUT_MILLIS = 1000;

	private static final int MASTERS = 3;

	private static final int START_ATTEMPTS = 3;

	private static final int SLOTS = SlotHash.SLOT_COUNT;

	private static final Map<Integer, String> PROBE_KEYS = new ConcurrentHashMap<>();

	private final Path root;

	private final RedisSecurity security;

	private final List<RedisNode> nodes = new ArrayList<>();

	private final Map<RedisNode, String> ids = new HashMap<>();

	private Duration startupTime;

	private RedisClusterClient client;

	private StatefulRedisClusterConnection<String, String> connection;

	private TestRedisCluster(RedisSecurity security) {
		this.security = security;
		this.root = RedisNode.newDirectory("redis-cluster-");
	}

	public static TestRedisCluster started() {
		return started(RedisSecurity.NONE);
	}

	/**
	 * Starts a cluster whose nodes require the password and/or TLS (then the cluster bus
	 * and replication run over TLS too).
	 */
	public static TestRedisCluster started(RedisSecurity security) {
		RuntimeException last = null;
		for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
			TestRedisCluster cluster = new TestRedisCluster(security);
			try {
				cluster.start();
				return cluster;
			}
			catch (RedisNode.StartFailure ex) {
				// most likely a port taken between the check and the bind: try other
				// ports
				last = ex;
				cluster.close();
			}
			catch (RuntimeException | Error ex) {
				cluster.close();
				throw ex;
			}
		}
		throw last;
	}

	private void start() {
		long started = System.nanoTime();
		RedisExecutable executable = RedisExecutable.get();
		for (int i = 0; i < 2 * MASTERS; i++) {
			String name = (i < MASTERS) ? "master-" + (i + 1) : "replica-" + (i - MASTERS + 1);
			this.nodes.add(node(name, Ports.free(true), executable));
		}
		this.nodes.forEach(RedisNode::launch);
		this.nodes.forEach((node) -> node.awaitReady(Duration.ofSeconds(10)));
		for (int i = 0; i < this.nodes.size(); i++) {
			RedisCommands<String, String> commands = this.nodes.get(i).commands();
			this.ids.put(this.nodes.get(i), commands.clusterMyId());
			// distinct epochs up front, as redis-cli does, so no epoch collision has to
			// be resolved
			commands.clusterSetConfigEpoch(i + 1);
		}
		for (int i = 0; i < MASTERS; i++) {
			int first = i * SLOTS / MASTERS;
			int last = (i + 1) * SLOTS / MASTERS - 1;
			addSlots(this.nodes.get(i), first, last);
		}
		RedisCommands<String, String> first = this.nodes.get(0).commands();
		for (RedisNode node : this.nodes.subList(1, this.nodes.size())) {
			first.clusterMeet(RedisNode.HOST, node.port());
		}
		awaitCondition("every node knows every other node", Duration.ofSeconds(20),
				() -> this.nodes.stream().allMatch((node) -> knowsEveryone(node)));
		for (int i = 0; i < MASTERS; i++) {
			this.nodes.get(MASTERS + i).commands().clusterReplicate(this.ids.get(this.nodes.get(i)));
		}
		awaitStable(Duration.ofSeconds(30));
		this.startupTime = Duration.ofNanos(System.nanoTime() - started);
	}

	private RedisNode node(String name, int port, RedisExecutable executable) {
		Path dir;
		try {
			dir = Files.createDirectories(this.root.resolve(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> args = new ArrayList<>(this.security.serverArguments(port, true));
		args.addAll(List.of("--bind", RedisNode.HOST, "--protected-mode", "no", "--save", "", "--appendonly", "no",
				"--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file",
				dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MILLIS),
				"--cluster-replica-validity-factor", "0",
				// a full sync at once, without the disk, and without 7.0's 5 s delay
				"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"));
		if (executable.isAtLeast(7, 0)) {
			args.addAll(List.of("--enable-debug-command", "yes"));
		}
		return new RedisNode(name, dir, port, args, true, this.security);
	}

	private static void addSlots(RedisNode node, int first, int last) {
		for (int from = first; from <= last; from += 1000) {
			int to = Math.min(last, from + 999);
			int[] batch = new int[to - from + 1];
			for (int slot = from; slot <= to; slot++) {
				batch[slot - from] = slot;
			}
			node.commands().clusterAddSlots(batch);
		}
	}

	private boolean knowsEveryone(RedisNode node) {
		List<NodeView> view = view(node);
		return view.size() == this.nodes.size() && view.stream()
			.noneMatch((entry) -> entry.flags().contains("handshake") || entry.flags().contains("noaddr"));
	}

	/**
	 * How long {@link #started()} took, from the first process start to a stable cluster.
	 */
	public Duration startupTime() {
		return this.startupTime;
	}

	/**
	 * All six nodes, in start order: master-1..3, then replica-1..3 (whatever their roles
	 * are now).
	 */
	public List<RedisNode> nodes() {
		return List.copyOf(this.nodes);
	}

	/** The nodes' addresses, {@code 127.0.0.1:port} each. */
	public List<String> nodeAddresses() {
		return this.nodes.stream().map(RedisNode::address).toList();
	}

	/**
	 * Every node's address, comma-separated: a {@code REDIS_CLUSTER_NODES}-style seed
	 * list.
	 */
	public String seedNodes() {
		return String.join(",", nodeAddresses());
	}

	/** The password and TLS that the nodes require. */
	public RedisSecurity security() {
		return this.security;
	}

	/** Every node's URI, with the password and TLS of {@link #security()}. */
	public List<RedisURI> seedUris() {
		return this.nodes.stream().map(RedisNode::uri).toList();
	}

	/** The node's cluster id ({@code CLUSTER MYID}). */
	public String nodeId(RedisNode node) {
		return this.ids.get(node);
	}

	/** The master that serves the key's slot now. */
	public RedisNode masterFor(String key) {
		return masterForSlot(SlotHash.getSlot(key));
	}

	/** The master that serves the slot now, as a running node sees it. */
	public RedisNode masterForSlot(int slot) {
		for (NodeView entry : currentView()) {
			if (entry.master() && entry.slots().get(slot)) {
				return byId(entry.id());
			}
		}
		throw new IllegalStateException("No master serves slot " + slot);
	}

	/**
	 * The masters now, as a running node sees them (a failed master without slots is left
	 * out).
	 */
	public List<RedisNode> masters() {
		return currentView().stream()
			.filter((entry) -> entry.master() && !entry.slots().isEmpty())
			.map((entry) -> byId(entry.id()))
			.toList();
	}

	/** The master's replica now, as a running node sees it. */
	public RedisNode replicaOf(RedisNode master) {
		String masterId = nodeId(master);
		return currentView().stream()
			.filter((entry) -> masterId.equals(entry.masterId()))
			.map((entry) -> byId(entry.id()))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(master + " has no replica"));
	}

	/**
	 * A Lettuce cluster client's synchronous commands: follows MOVED and ASK, refreshes
	 * its topology on redirects and reconnection trouble and every second.
	 */
	public synchronized RedisAdvancedClusterCommands<String, String> commands() {
		if (this.connection == null) {
			this.connection = clusterClient().connect(StringCodec.UTF8);
		}
		return this.connection.sync();
	}

	/** The client behind {@link #commands()}, seeded with every node. */
	public synchronized RedisClusterClient clusterClient() {
		if (this.client == null) {
			RedisClusterClient created = RedisClusterClient.create(RedisNode.resources(), seedUris());
			created.setOptions(ClusterClientOptions.builder(RedisNode.clientOptions().build())
				.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
					.enableAllAdaptiveRefreshTriggers()
					.adaptiveRefreshTriggersTimeout(Duration.ofMillis(100))
					.enablePeriodicRefresh(Duration.ofSeconds(1))
					.build())
				.build());
			this.client = created;
		}
		return this.client;
	}

	/**
	 * Waits until the master's replica has taken over: the replica accepts a write to one
	 * of the master's slots (polled every 20 ms; the time of the first success is
	 * {@link Failover#writableAt()}) and every running node maps all of the master's
	 * slots to it. The test crashes or freezes the master first
	 * ({@link RedisNode#kill()}, {@link RedisNode#freeze()}).
	 */
	public Failover awaitFailover(RedisNode master, Duration timeout) {
		Instant begin = TestTime.now();
		Instant disruptedAt = (master.lastDisruption() != null) ? master.lastDisruption() : begin;
		String masterId = nodeId(master);
		RedisNode replica = null;
		BitSet slots = null;
		for (NodeView entry : currentView()) {
			if (entry.id().equals(masterId)) {
				slots = entry.slots();
			}
			else if (masterId.equals(entry.masterId())) {
				replica = byId(entry.id());
			}
		}
		if (replica == null || slots == null || slots.isEmpty()) {
			throw new IllegalStateException(master + " is no master with slots and a replica: " + currentView());
		}
		String probeKey = probeKey(slots.nextSetBit(0));
		String replicaId = nodeId(replica);
		BitSet expected = slots;
		Instant writableAt = null;
		long deadline = System.nanoTime() + timeout.toNanos();
		long nextViewPoll = 0;
		while (true) {
			if (writableAt == null && replica.acceptsWrite(probeKey)) {
				writableAt = TestTime.now();
			}
			if (writableAt != null && System.nanoTime() - nextViewPoll >= 0) {
				nextViewPoll = System.nanoTime() + 100_000_000L;
				if (allRunningNodesAgree((view) -> view.stream()
					.anyMatch((entry) -> entry.id().equals(replicaId) && entry.master()
							&& contains(entry.slots(), expected)))) {
					refreshClient();
					return new Failover(master, replica, disruptedAt, writableAt, TestTime.now());
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("No failover from " + master + " to " + replica + " within "
						+ timeout.toMillis() + " ms (writable: " + writableAt + ")\n" + logs());
			}
			RedisNode.sleep(20);
		}
	}

	/**
	 * Cuts the master's replica off from it so that every write to the master from now on
	 * reaches the master only: see {@link ReplicationHold}.
	 * {@link ReplicationHold#crashMaster()} and then {@link #awaitFailover} promote the
	 * replica without those writes.
	 */
	public ReplicationHold holdBackReplication(RedisNode master) {
		return ReplicationHold.start(master, replicaOf(master));
	}

	/**
	 * Moves a slot, with its keys, to another master as redis-cli would: SETSLOT
	 * IMPORTING on the target, MIGRATING on the source, MIGRATE of every key from
	 * GETKEYSINSLOT, then SETSLOT NODE on the target, the source and the other masters,
	 * and waits until every running node agrees.
	 */
	public void migrateSlot(int slot, RedisNode to) {
		SlotMigration migration = beginSlotMigration(slot, to);
		if (migration != null) {
			migration.moveAllKeys();
			migration.finish();
		}
	}

	/**
	 * Starts moving a slot and returns half-way, so a test can see ASK redirections: the
	 * source answers ASK for the slot's keys it no longer has. Returns null if {@code to}
	 * already serves the slot.
	 */
	public SlotMigration beginSlotMigration(int slot, RedisNode to) {
		RedisNode from = masterForSlot(slot);
		if (from == to) {
			return null;
		}
		to.commands().clusterSetSlotImporting(slot, nodeId(from));
		from.commands().clusterSetSlotMigrating(slot, nodeId(to));
		return new SlotMigration(slot, from, to);
	}

	/**
	 * Waits until every running node that is not frozen says {@code cluster_state:ok},
	 * all of them agree on the roles and the slot map, and every running replica of a
	 * running master has its replication link up.
	 */
	public void awaitStable(Duration timeout) {
		awaitCondition("the cluster is stable", timeout, () -> {
			for (RedisNode node : observers()) {
				if (!"ok".equals(RedisNode.parseInfo(node.probeCommands().clusterInfo()).get("cluster_state"))) {
					return false;
				}
			}
			if (!allRunningNodesAgree((view) -> true)) {
				return false;
			}
			for (NodeView entry : currentView()) {
				RedisNode node = byId(entry.id());
				if (!entry.master() && node.isRunning() && !node.isFrozen() && byId(entry.masterId()).isRunning()
						&& !"up".equals(node.info("replication").get("master_link_status"))) {
					return false;
				}
			}
			return true;
		});
	}

	/**
	 * True when every observer's view satisfies the condition and all views agree on
	 * roles and slots.
	 */
	private boolean allRunningNodesAgree(Predicate<List<NodeView>> condition) {
		String signature = null;
		for (RedisNode node : observers()) {
			List<NodeView> view;
			try {
				view = view(node);
			}
			catch (RuntimeException ex) {
				return false;
			}
			if (!condition.test(view)) {
				return false;
			}
			String own = signature(view);
			if (signature != null && !signature.equals(own)) {
				return false;
			}
			signature = own;
		}
		return signature != null;
	}

	private List<RedisNode> observers() {
		return this.nodes.stream().filter((node) -> node.isRunning() && !node.isFrozen()).toList();
	}

	private static String signature(List<NodeView> view) {
		Map<String, String> entries = new TreeMap<>();
		for (NodeView entry : view) {
			entries.put(entry.id(),
					(entry.master() ? "master " + ranges(entry.slots()) : "replica of " + entry.masterId()));
		}
		return entries.toString();
	}

	private static String ranges(BitSet slots) {
		StringBuilder ranges = new StringBuilder();
		for (int from = slots.nextSetBit(0); from >= 0; from = slots.nextSetBit(from)) {
			int to = slots.nextClearBit(from);
			ranges.append(from).append('-').append(to - 1).append(',');
			from = to;
		}
		return ranges.toString();
	}

	private static boolean contains(BitSet slots, BitSet expected) {
		BitSet missing = (BitSet) expected.clone();
		missing.andNot(slots);
		return missing.isEmpty();
	}

	/** The view of the first running node that answers. */
	private List<NodeView> currentView() {
		RuntimeException last = null;
		for (RedisNode node : observers()) {
			try {
				return view(node);
			}
			catch (RuntimeException ex) {
				last = ex;
			}
		}
		throw new IllegalStateException("No cluster node answers CLUSTER NODES", last);
	}

	private List<NodeView> view(RedisNode node) {
		List<NodeView> view = new ArrayList<>();
		for (String line : node.probeCommands().clusterNodes().split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			String[] fields = line.trim().split(" ");
			String address = fields[1];
			int port = Integer
				.parseInt(address.substring(address.lastIndexOf(':', address.indexOf('@')) + 1, address.indexOf('@')));
			Set<String> flags = Set.of(fields[2].split(","));
			BitSet slots = new BitSet(SLOTS);
			for (int i = 8; i < fields.length; i++) {
				String range = fields[i];
				if (range.startsWith("[")) {
					continue; // an importing or migrating slot
				}
				int dash = range.indexOf('-');
				if (dash < 0) {
					slots.set(Integer.parseInt(range));
				}
				else {
					slots.set(Integer.parseInt(range.substring(0, dash)),
							Integer.parseInt(range.substring(dash + 1)) + 1);
				}
			}
			view.add(new NodeView(fields[0], port, flags, "-".equals(fields[3]) ? null : fields[3], slots));
		}
		return view;
	}

	private RedisNode byId(String id) {
		return this.ids.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(id))
			.map(Map.Entry::getKey)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No node " + id));
	}

	/** A key in the slot, for probing writes: never written, only deleted. */
	static String probeKey(int slot) {
		return PROBE_KEYS.computeIfAbsent(slot, (wanted) -> {
			for (int i = 0;; i++) {
				String key = TestRedisSentinel.WRITE_PROBE_KEY + ":{" + i + "}";
				if (SlotHash.getSlot(key) == wanted) {
					return key;
				}
			}
		});
	}

	private synchronized void refreshClient() {
		if (this.client != null) {
			this.client.refreshPartitions();
		}
	}

	/** The last lines of every node's log. */
	public String logs() {
		StringBuilder logs = new StringBuilder();
		for (RedisNode node : this.nodes) {
			logs.append("--- ")
				.append(node)
				.append(' ')
				.append(nodeId(node))
				.append('\n')
				.append(node.logTail(15))
				.append('\n');
		}
		return logs.toString();
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

	/** Closes the client, kills every node and deletes the directories. */
	@Override
	public synchronized void close() {
		if (this.connection != null) {
			this.connection.closeAsync();
			this.connection = null;
		}
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
			this.client = null;
		}
		for (RedisNode node : this.nodes) {
			node.close();
		}
		RedisNode.deleteDirectory(this.root);
	}

	/** One line of {@code CLUSTER NODES}. */
	private record NodeView(String id, int port, Set<String> flags, String masterId, BitSet slots) {

		boolean master() {
			return this.flags.contains("master");
		}

	}

	/** A slot migration under way: see {@link TestRedisCluster#beginSlotMigration}. */
	public final class SlotMigration {

		private final int slot;

		private final RedisNode from;

		private final RedisNode to;

		SlotMigration(int slot, RedisNode from, RedisNode to) {
			this.slot = slot;
			this.from = from;
			this.to = to;
		}

		public int slot() {
			return this.slot;
		}

		public RedisNode from() {
			return this.from;
		}

		public RedisNode to() {
			return this.to;
		}

		/** MIGRATEs these keys (of the slot) from the source to the target. */
		public void moveKeys(List<String> keys) {
			if (keys.isEmpty()) {
				return;
			}
			MigrateArgs<String> args = MigrateArgs.Builder.keys(keys);
			if (TestRedisCluster.this.security.hasPassword()) {
				args.auth(TestRedisCluster.this.security.password());
			}
			this.from.commands().migrate(RedisNode.HOST, this.to.port(), 0, 5000, args);
		}

		/** MIGRATEs every key left in the slot, 100 at a time. */
		public void moveAllKeys() {
			while (true) {
				List<String> keys = this.from.commands().clusterGetKeysInSlot(this.slot, 100);
				if (keys.isEmpty()) {
					return;
				}
				moveKeys(keys);
			}
		}

		/**
		 * Assigns the slot to the target on every master and waits until every node
		 * agrees.
		 */
		public void finish() {
			String target = nodeId(this.to);
			this.to.commands().clusterSetSlotNode(this.slot, target);
			this.from.commands().clusterSetSlotNode(this.slot, target);
			for (RedisNode master : masters()) {
				if (master != this.to && master != this.from) {
					master.commands().clusterSetSlotNode(this.slot, target);
				}
			}
			awaitCondition("every node maps slot " + this.slot + " to " + this.to, Duration.ofSeconds(10),
					() -> allRunningNodesAgree((view) -> view.stream()
						.anyMatch((entry) -> entry.id().equals(target) && entry.slots().get(this.slot))));
			refreshClient();
		}

	}

}
