package dev.productapi.consistency;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.cache.FillGate;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.MissPathGate.Gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The joiner window, forced deterministically: a miss stores its fill and, before it
 * returns, a write commits and deletes that fill; a read sent after the write's response
 * then joins the miss's load, which is still registered. A stored fill proves nothing
 * about a write after it, so the read must not use that load. With the joiner's check
 * switched off the same interleaving returns the value from before the write, which
 * proves this test can see the bug.
 */
class JoinerAfterFillIT {

	@RegisterExtension
	static final ApiUnderTest withCheck = ApiUnderTest.withSettings().withSources(FillGate.class);

	@RegisterExtension
	static final ApiUnderTest withoutCheck = ApiUnderTest.withSettings("product-api.cache.joiner-trust-check", "false")
		.withSources(FillGate.class);

	@Test
	void aReadSentAfterAWriteDoesNotUseALoadFilledBeforeIt() throws Exception {
		Response joined = joinALoadFilledBeforeAWrite(withCheck);

		assertThat(joined.json().get("stock_quantity").asInt()).as("stock read after the write returned").isEqualTo(2);
	}

	@Test
	void withoutTheCheckTheSameReadReturnsTheValueBeforeTheWrite() throws Exception {
		Response joined = joinALoadFilledBeforeAWrite(withoutCheck);

		assertThat(joined.json().get("stock_quantity").asInt()).isEqualTo(1);
	}

	/**
	 * A miss reads stock 1 and fills; a PUT to 2 returns; then a read joins the miss's
	 * load before the miss returns.
	 */
	private static Response joinALoadFilledBeforeAWrite(ApiUnderTest app) throws Exception {
		Api api = app.api();
		String path = "/products/" + api.create("Joiner", "10.00", 1);
		Gate gate = FillGate.arm();
		CompletableFuture<Response> miss = CompletableFuture.supplyAsync(() -> api.get(path));
		gate.awaitRead();
		assertThat(api.put(path, "{\"stock_quantity\": 2}").status()).isEqualTo(200);

		double joinsBefore = app.app().counter("product.cache.reads.coalesced");
		CompletableFuture<Response> joiner = CompletableFuture.supplyAsync(() -> api.get(path));
		await("the read joins the held load").atMost(Duration.ofSeconds(10))
			.until(() -> app.app().counter("product.cache.reads.coalesced") > joinsBefore);
		gate.release();

		assertThat(miss.get().json().get("stock_quantity").asInt()).as("the miss began before the write").isEqualTo(1);
		assertThat(joiner.get().status()).isEqualTo(200);
		return joiner.get();
	}

}
