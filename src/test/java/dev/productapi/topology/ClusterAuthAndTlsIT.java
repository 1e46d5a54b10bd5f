package dev.productapi.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TestRedisCluster;

/**
 * A Redis Cluster whose nodes have a password, and one that also speaks TLS only (client
 * connections, the cluster bus and replication, with a certificate of a private test CA):
 * the API reaches the seed nodes and every node of the topology and caches when it has
 * the password and the CA, and serves from the database when it lacks either.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterAuthAndTlsIT {

	@RegisterExtension
	static final ApiUnderTest withPassword = ApiUnderTest.withSettings().onCluster().withRedisPassword();

	@RegisterExtension
	static final ApiUnderTest withTls = ApiUnderTest.withSettings().onCluster().withRedisPassword().withRedisTls();

	@Test
	void withThePasswordTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withPassword.api(), (key) -> exists(withPassword.cluster(), key));
		AuthAndTls.cachesOnEveryMaster(withPassword.api(), withPassword.cluster());
	}

	@Test
	void withAWrongPasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPassword.startInstance("REDIS_PASSWORD", "wrong"), output, "WRONGPASS");
	}

	@Test
	void withoutThePasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPassword.startInstance("REDIS_PASSWORD", ""), output, "NOAUTH");
	}

	@Test
	void overTlsWithTheCaTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withTls.api(), (key) -> exists(withTls.cluster(), key));
	}

	/**
	 * Seeded with one node only, the API learns the others from the topology, and
	 * connects to each with the password and TLS of the seed.
	 */
	@Test
	void overTlsTheNodesFoundInTheTopologyAreReachedToo() {
		String oneNode = withTls.cluster().nodes().get(0).address();
		AuthAndTls.cachesOnEveryMaster(withTls.startInstance("REDIS_CLUSTER_NODES", oneNode).api(), withTls.cluster());
	}

	@Test
	void overTlsWithoutTheCaItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withTls.startInstance("REDIS_TLS_CA_CERT", ""), output,
				"unable to find valid certification path");
	}

	private static boolean exists(TestRedisCluster cluster, String key) {
		return cluster.masterFor(key).commands().exists(key) == 1;
	}

}
