package dev.productapi.product;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Seeds three sample products when the table is empty.
 * <p>
 * Runs once every bean is ready but before the web server opens its port, so no request
 * can see the database half-seeded.
 * <p>
 * The samples have fixed ids and are inserted with {@code ON CONFLICT DO NOTHING}. Two
 * instances that start together may both see an empty table, but they insert the same
 * three rows, so the second insert is a no-op. No lock and no coordination are needed.
 */
@Component
class SampleProducts implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(SampleProducts.class);

	static final List<Product> SAMPLES = List.of(
			new Product(UUID.fromString("00000000-0000-4000-8000-000000000001"), "Mechanical Keyboard",
					"Tenkeyless keyboard with hot-swappable switches.", new BigDecimal("89.99"), 120, 1),
			new Product(UUID.fromString("00000000-0000-4000-8000-000000000002"), "Wireless Mouse",
					"Ergonomic mouse with a 70-day battery.", new BigDecimal("29.99"), 250, 1),
			new Product(UUID.fromString("00000000-0000-4000-8000-000000000003"), "USB-C Hub",
					"Seven ports, 100 W power delivery.", new BigDecimal("49.50"), 75, 1));

	private final ProductRepository repository;

	private final ProductService products;

	SampleProducts(ProductRepository repository, ProductService products) {
		this.repository = repository;
		this.products = products;
	}

	@Override
	public void afterSingletonsInstantiated() {
		seed();
	}

	/** Returns how many products this call inserted. */
	int seed() {
		if (this.repository.count() > 0) {
			logger.info("Products table is not empty; skipping sample data");
			return 0;
		}
		int inserted = 0;
		for (Product sample : SAMPLES) {
			// Through the service, so that the fixed ids are invalidated too: Redis may
			// still hold entries for them from an earlier database.
			if (this.products.createIfAbsent(sample)) {
				inserted++;
			}
		}
		logger.info("Seeded {} sample products", inserted);
		return inserted;
	}

}
