package dev.productapi.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.api.sync.RedisStringCommands;
import tools.jackson.databind.JsonNode;

import dev.productapi.product.Product;
import dev.productapi.product.ProductRepository;

/** Compares what Redis holds with the database, the source of truth. */
public final class Consistency {

	private Consistency() {
	}

	/**
	 * The ids whose Redis entry disagrees with the database row (a missing entry agrees).
	 */
	public static List<String> staleEntries(TestRedis redis, RunningApp app, List<String> ids) {
		return staleEntries(redis.commands(), app, ids);
	}

	/**
	 * Like {@link #staleEntries(TestRedis, RunningApp, List)}, reading Redis through any
	 * client: a Sentinel group's master, or a Cluster client that follows redirects.
	 */
	public static List<String> staleEntries(RedisStringCommands<String, String> redis, RunningApp app,
			List<String> ids) {
		ProductRepository repository = app.bean(ProductRepository.class);
		List<String> stale = new ArrayList<>();
		for (String id : ids) {
			String cached = redis.get("product:" + id);
			if (cached == null || cached.startsWith("~lease")) {
				continue;
			}
			Product row = repository.findById(UUID.fromString(id)).orElse(null);
			if (row == null ? !cached.equals("~absent") : !matches(Api.parse(cached), row)) {
				stale.add(id + ": cached " + cached + " but the database has " + row);
			}
		}
		return stale;
	}

	private static boolean matches(JsonNode cached, Product row) {
		return cached.get("name").asString().equals(row.name())
				&& cached.get("price").decimalValue().compareTo(row.price()) == 0
				&& cached.get("stock_quantity").asInt() == row.stockQuantity();
	}

}
