package dev.productapi.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import reactor.core.Disposable;

/**
 * A Redis Cluster. Lettuce routes each command to the master of its key's slot, follows
 * {@code MOVED} and {@code ASK} redirects, and refreshes its view of the cluster on a
 * timer and whenever a redirect or a lost node suggests the view is old
 * ({@code RedisConfiguration} turns both on). Every script here touches a single key, so
 * it runs on that key's slot.
 */
final class ClusterConnection extends CacheConnection {

	private final RedisClusterClient client;

	private final LazyConnection<StatefulRedisClusterConnection<String, byte[]>> reads;

	private final LazyConnection<StatefulRedisClusterConnection<String, byte[]>> invalidations;

	private final LazyConnection<StatefulRedisClusterConnection<String, byte[]>> tracking;

	private final Disposable topologyChanges;

	/** Per master node id. */
	private final Map<String, ExpectedReplicas> expected = new ConcurrentHashMap<>();

	ClusterConnection(RedisClusterClient client, Duration acknowledgementTimeout, Duration replicaGrace) {
		super(acknowledgementTimeout, replicaGrace);
		this.client = client;
		this.reads = new LazyConnection<>(this::connect);
		this.invalidations = new LazyConnection<>(this::connect);
		this.tracking = new LazyConnection<>(this::connect);
		this.topologyChanges = client.getResources()
			.eventBus()
			.get()
			.filter(ClusterTopologyChangedEvent.class::isInstance)
			.subscribe((event) -> changed());
	}

	private StatefulRedisClusterConnection<String, byte[]> connect() {
		return this.client.connect(CODEC);
	}

	@Override
	public RedisClusterAsyncCommands<String, byte[]> commands() {
		return this.reads.get().async();
	}

	/**
	 * The delete and its {@code WAIT} go to the master of the key's slot over that node's
	 * own connection, because a {@code WAIT} counts the acknowledgements of what its own
	 * connection wrote. Such a connection does not follow redirections as Lettuce's
	 * routing does, so a {@code MOVED} or {@code ASK} answer is followed here: a
	 * redirection means the slot has moved or is moving, not that Redis is failing.
	 */
	@Override
	public boolean deleteEverywhere(String key) {
		StatefulRedisClusterConnection<String, byte[]> connection = this.invalidations.get();
		Partitions partitions = connection.getPartitions();
		RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(key));
		if (master == null) {
			throw new RedisException("No master serves the slot of " + key);
		}
		try {
			return deleteAndWait(connection.getConnection(master.getNodeId()).async(), key,
					replicasToWaitFor(master, partitions));
		}
		catch (RedisCommandExecutionException ex) {
			Redirection redirection = Redirection.of(ex.getMessage());
			if (redirection == null) {
				throw ex;
			}
			return deleteAfter(redirection, connection, key);
		}
	}

	/**
	 * Deletes the key where Redis said it is. {@code MOVED}: the slot has a new master
	 * that this view of the cluster does not know of yet, so the view is refreshed too.
	 * {@code ASK}: the slot is being migrated and the key is on the importing node
	 * already, which accepts it only right after {@code ASKING}, so both go in one write.
	 */
	private boolean deleteAfter(Redirection redirection, StatefulRedisClusterConnection<String, byte[]> connection,
			String key) {
		if (!redirection.ask()) {
			this.client.refreshPartitionsAsync();
		}
		Partitions partitions = connection.getPartitions();
		RedisClusterNode target = partitions.getPartition(redirection.host(), redirection.port());
		if (target == null) {
			throw new RedisException(key + " is on " + redirection.host() + ":" + redirection.port()
					+ ", which is not in the known cluster topology");
		}
		StatefulRedisConnection<String, byte[]> node = connection.getConnection(target.getNodeId());
		int replicas = replicasToWaitFor(target, partitions);
		if (!redirection.ask()) {
			return deleteAndWait(node.async(), key, replicas);
		}
		AsyncCommand<String, byte[], String> asking = new AsyncCommand<>(
				new Command<>(CommandType.ASKING, new StatusOutput<>(CODEC)));
		AsyncCommand<String, byte[], Long> deleted = new AsyncCommand<>(
				new Command<>(CommandType.DEL, new IntegerOutput<>(CODEC), new CommandArgs<>(CODEC).addKey(key)));
		node.dispatch(List.of(asking, deleted));
		return waitForReplicas(node.async(), deleted, replicas);
	}

	private int replicasToWaitFor(RedisClusterNode master, Partitions partitions) {
		return this.expected.computeIfAbsent(master.getNodeId(), (id) -> expectedReplicas("node " + master.getUri()))
			.update(replicasOf(master, partitions));
	}

	/** The master's replicas that the cluster does not consider failed. */
	private static int replicasOf(RedisClusterNode master, Partitions partitions) {
		int replicas = 0;
		for (RedisClusterNode node : partitions) {
			if (master.getNodeId().equals(node.getSlaveOf()) && !node.is(NodeFlag.FAIL)
					&& !node.is(NodeFlag.EVENTUAL_FAIL)) {
				replicas++;
			}
		}
		return replicas;
	}

	@Override
	public List<StatefulRedisConnection<String, byte[]>> trackingConnections() {
		StatefulRedisClusterConnection<String, byte[]> connection = this.tracking.get();
		return connection.getPartitions()
			.stream()
			.filter((node) -> node.getRole().isUpstream() && !node.getSlots().isEmpty())
			.map((master) -> connection.getConnection(master.getNodeId()))
			.toList();
	}

	/**
	 * A master that froze or vanished is replaced by the cluster itself; asking for the
	 * topology now, rather than at the next periodic refresh, finds its successor sooner.
	 */
	@Override
	public void reset() {
		this.client.refreshPartitionsAsync();
	}

	@Override
	int failedOpens() {
		return this.reads.failedOpens() + this.invalidations.failedOpens();
	}

	@Override
	public void close() {
		this.topologyChanges.dispose();
		this.reads.close();
		this.invalidations.close();
		this.tracking.close();
	}

	/** A {@code MOVED} or {@code ASK} answer: {@code MOVED 3999 127.0.0.1:6381}. */
	private record Redirection(boolean ask, String host, int port) {

		static Redirection of(String error) {
			String[] words = (error != null) ? error.split(" ") : new String[0];
			if (words.length != 3 || !(words[0].equals("MOVED") || words[0].equals("ASK"))) {
				return null;
			}
			int colon = words[2].lastIndexOf(':');
			try {
				return new Redirection(words[0].equals("ASK"), words[2].substring(0, colon),
						Integer.parseInt(words[2].substring(colon + 1)));
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

	}

}
