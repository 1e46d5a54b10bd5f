package dev.productapi.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
	RedisClusterAsyncCommands<String, byte[]> commands() {
		return this.reads.get().async();
	}

	/**
	 * The delete and its {@code WAIT} go to the master of the key's slot over that node's
	 * own connection, because a {@code WAIT} counts the acknowledgements of what its own
	 * connection wrote. If the node no longer owns the slot, it answers {@code MOVED},
	 * which fails the call, and the invalidation is retried on the current master.
	 */
	@Override
	boolean deleteEverywhere(String key) {
		StatefulRedisClusterConnection<String, byte[]> connection = this.invalidations.get();
		Partitions partitions = connection.getPartitions();
		RedisClusterNode master = partitions.getMasterBySlot(SlotHash.getSlot(key));
		if (master == null) {
			throw new RedisException("No master serves the slot of " + key);
		}
		int replicas = this.expected
			.computeIfAbsent(master.getNodeId(), (id) -> expectedReplicas("node " + master.getUri()))
			.update(replicasOf(master, partitions));
		return deleteAndWait(connection.getConnection(master.getNodeId()).async(), key, replicas);
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
	List<StatefulRedisConnection<String, byte[]>> trackingConnections() {
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
	void reset() {
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

}
