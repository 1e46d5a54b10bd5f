package dev.productapi.deploy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PromQlNames} finds the metric names of the forms the rules and the dashboard
 * use, and nothing else: a parser that found nothing would let
 * {@code DeploymentContractIT} pass whatever the files name.
 */
class PromQlNamesTest {

	@Test
	void aggregationsOverRatesOfSeriesWithMatchers() {
		assertThat(PromQlNames.of("sum by (job) (rate(http_server_requests_seconds_count{status=~\"5..\"}[5m]))"
				+ " / sum by (job) (rate(http_server_requests_seconds_count[5m]))"))
			.containsExactly("http_server_requests_seconds_count");
	}

	@Test
	void histogramQuantilesKeepTheBucketSuffix() {
		assertThat(PromQlNames
			.of("histogram_quantile(0.99, sum by (job, le) (rate(http_server_requests_seconds_bucket[5m])))"))
			.containsExactly("http_server_requests_seconds_bucket");
	}

	@Test
	void binaryOperatorsWithMatchingAndNumbers() {
		assertThat(PromQlNames.of("""
				product_cache_invalidations_pending > 0
				  and on (job, instance)
				sum without (result) (increase(product_cache_deletes_total{result!="confirmed"}[1m])) > 1e3
				  or product_cache_breaker_open * on (instance) group_left product_database_available offset 5m
				  == bool 1""")).containsExactly("product_cache_invalidations_pending", "product_cache_deletes_total",
				"product_cache_breaker_open", "product_database_available");
	}

	@Test
	void grafanaVariablesAndRecordingRuleNames() {
		assertThat(PromQlNames.of("job:product_cache_hit_ratio:rate5m{job=\"$job\"}"
				+ " * sum(rate(product_db_reads_total{job=~\"${job}\"}[$__rate_interval]))"))
			.containsExactly("job:product_cache_hit_ratio:rate5m", "product_db_reads_total");
	}

}
