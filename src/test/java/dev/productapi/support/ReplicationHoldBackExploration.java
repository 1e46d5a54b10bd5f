package dev.productapi.support;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import io.lettuce.core.ClientListArgs;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * How to hold back replication before a Sentinel failover, and whether the sentinels then
 * promote the replica: the experiments behind the class comment of {@link TestRedisSentinel}.
 * They print what happened rather than assert it, and take a minute, so they run only with
 * {@code -Dtopology.explore=true}, e.g.
 * {@code ./mvnw -q test -Dtest=ReplicationHoldBackExploration -Dtopology.explore=true}.
 */
@EnabledIfSystemProperty(named = "topology.explore", matches = "true")
class ReplicationHoldBackExploration {

	private static final String KEY = "product:42";

	private static final Pattern EVENTS = Pattern.compile(
			"\\+odown|\\+elected-leader|selected-slave|no-good-slave|failover-abort|\\+promoted-slave|\\+switch-master");

	@Test
	void freezingTheReplicaAlone() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			setAndReplicate(master, replica);
			replica.freeze();
			master.commands().del(KEY);
			master.kill();
			replica.thaw();
			report("SIGSTOP replica, DEL, SIGKILL master, SIGCONT replica", sentinel, replica);
		}
	}

	@Test
	void freezingTheReplicaAndFillingTheReplicationBuffers() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			setAndReplicate(master, replica);
			replica.freeze();
			String megabyte = "x".repeat(1 << 20);
			for (int i = 0; i < 32; i++) {
				master.commands().set("padding", megabyte);
			}
			master.commands().del(KEY);
			long pending = outputMemoryForReplica(master);
			master.kill();
			replica.thaw();
			report("SIGSTOP replica, 32 MB of SETs (omem=" + pending
					+ " for the replica after them), DEL, SIGKILL master, SIGCONT replica", sentinel, replica);
		}
	}

	@Test
	void debugSleepOnTheReplica() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			setAndReplicate(master, replica);
			CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> replica.commands()
				.dispatch(CommandType.DEBUG, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("SLEEP").add("3")));
			Await.until("the replica sleeps", Duration.ofSeconds(5), () -> !replica.answersPing());
			master.commands().del(KEY);
			master.kill();
			sleeping.join();
			report("DEBUG SLEEP 3 on replica, DEL, SIGKILL master, replica wakes up", sentinel, replica);
		}
	}

	@Test
	void clientPauseOnTheReplica() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			setAndReplicate(master, replica);
			replica.commands().clientPause(3000);
			master.commands().del(KEY);
			RedisNode.sleep(500);
			master.kill();
			report("CLIENT PAUSE 3000 (ALL) on replica, DEL, 500 ms, SIGKILL master", sentinel, replica);
		}
	}

	@Test
	void clientPauseWriteOnTheReplicaUntilItSeesTheMasterGone() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			setAndReplicate(master, replica);
			replica.commands()
				.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add("20000").add("WRITE"));
			master.commands().del(KEY);
			RedisNode.sleep(200);
			String during = replica.commands().get(KEY);
			master.kill();
			Await.until("the replica sees its master gone", Duration.ofSeconds(5),
					() -> "down".equals(replica.info("replication").get("master_link_status")));
			replica.commands()
				.dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8),
						new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
			report("CLIENT PAUSE 20000 WRITE on replica, DEL (replica still reads " + during
					+ " 200 ms later), SIGKILL master, replica's link down, CLIENT UNPAUSE", sentinel, replica);
		}
	}

	@Test
	void frozenAndCutOffForVariousTimesThenThawedAtOnce() {
		for (int seconds : new int[] { 0, 3, 12 }) {
			try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
				RedisNode master = sentinel.master();
				RedisNode replica = sentinel.replica();
				setAndReplicate(master, replica);
				ReplicationHold hold = sentinel.holdBackReplication();
				master.commands().del(KEY);
				RedisNode.sleep(seconds * 1000L);
				hold.crashMaster();
				report("hold (SIGSTOP + CLIENT KILL TYPE replica), DEL, frozen " + seconds
						+ " s, SIGKILL master, SIGCONT replica at once", sentinel, replica);
			}
		}
	}

	@Test
	void frozenAndCutOffThenThawedLate() {
		for (int seconds : new int[] { 3, 8 }) {
			try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
				RedisNode master = sentinel.master();
				RedisNode replica = sentinel.replica();
				setAndReplicate(master, replica);
				ReplicationHold hold = sentinel.holdBackReplication();
				master.commands().del(KEY);
				master.kill();
				RedisNode.sleep(seconds * 1000L);
				replica.thaw();
				report("hold, DEL, SIGKILL master, SIGCONT replica " + seconds + " s later", sentinel, replica);
			}
		}
	}

	private static void setAndReplicate(RedisNode master, RedisNode replica) {
		master.commands().set(KEY, "cached");
		Await.until("the replica has " + KEY, Duration.ofSeconds(5),
				() -> "cached".equals(replica.commands().get(KEY)));
	}

	private static long outputMemoryForReplica(RedisNode master) {
		String line = master.commands().clientList(ClientListArgs.Builder.typeReplica());
		for (String field : line.trim().split(" ")) {
			if (field.startsWith("omem=")) {
				return Long.parseLong(field.substring(5));
			}
		}
		throw new IllegalStateException("No replica in CLIENT LIST: " + line);
	}

	private static void report(String scenario, TestRedisSentinel sentinel, RedisNode replica) {
		String outcome;
		try {
			Failover failover = sentinel.awaitFailover(Duration.ofSeconds(30));
			String value = failover.newMaster().commands().get(KEY);
			outcome = failover + "; promoted " + failover.newMaster().name() + "; " + KEY + " there: "
					+ ((value == null) ? "deleted (replication NOT held back)" : value + " (the DEL was lost)");
		}
		catch (AssertionError ex) {
			outcome = "NO FAILOVER: " + ex.getMessage().lines().findFirst().orElse("");
		}
		String kill = LocalTime.ofInstant(sentinel.dataNodes().get(0).lastDisruption(), ZoneId.systemDefault())
			.toString();
		StringBuilder events = new StringBuilder();
		for (RedisNode node : sentinel.sentinels()) {
			node.logTail(200)
				.lines()
				.filter((line) -> EVENTS.matcher(line).find())
				.map((line) -> "\n    " + node.name() + " " + line.substring(line.indexOf(' ', line.indexOf(':')) + 1))
				.forEach(events::append);
		}
		System.out.println("[explore " + RedisExecutable.get().version().split(" ")[2] + "] " + scenario + " => "
				+ outcome + "\n    master killed at " + kill + events);
	}

}
