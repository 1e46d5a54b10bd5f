package dev.productapi.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A history of reads and acknowledged writes of integer registers, with the time each
 * operation was invoked and completed, and a check of the promise that no read returns a
 * value older than a write that completed before the read was invoked.
 * <p>
 * Each register's writes must come from one writer at a time with increasing values, so
 * that a larger value is always the newer one. Writes that did not complete with an
 * acknowledgement are left out: whether they took effect is unknown, and a read may see
 * them or not.
 */
public final class History {

	private final Queue<Operation> writes = new ConcurrentLinkedQueue<>();

	private final Queue<Operation> reads = new ConcurrentLinkedQueue<>();

	/**
	 * A write of {@code value} to {@code register}, acknowledged; times from
	 * {@link System#nanoTime()}.
	 */
	public void write(String register, long value, long invoked, long completed) {
		this.writes.add(new Operation(register, value, invoked, completed));
	}

	/** A read of {@code register} that returned {@code value}. */
	public void read(String register, long value, long invoked, long completed) {
		this.reads.add(new Operation(register, value, invoked, completed));
	}

	/**
	 * Every read compared with every write that completed before the read was invoked.
	 */
	public Report check() {
		Map<String, Register> registers = new HashMap<>();
		Map<String, List<Operation>> writesByRegister = new HashMap<>();
		this.writes.forEach(
				(write) -> writesByRegister.computeIfAbsent(write.register(), (r) -> new ArrayList<>()).add(write));
		writesByRegister.forEach((name, writes) -> registers.put(name, new Register(writes)));
		List<Stale> stale = new ArrayList<>();
		for (Operation read : this.reads) {
			Register register = registers.get(read.register());
			Stale found = (register != null) ? register.staleness(read) : null;
			if (found != null) {
				stale.add(found);
			}
		}
		stale.sort(Comparator.comparing(Stale::by).reversed());
		return new Report(this.reads.size() + this.writes.size(), this.reads.size(), this.writes.size(), stale);
	}

	private record Operation(String register, long value, long invoked, long completed) {
	}

	/** A read, and the newer write that had completed when the read was invoked. */
	public record Stale(String register, long returned, long newer, Duration by) {

		@Override
		public String toString() {
			return "%s: read %d, invoked %.1f ms after a write of %d completed".formatted(this.register, this.returned,
					this.by.toNanos() / 1e6, this.newer);
		}

	}

	/**
	 * What the check found: how many operations, and every stale read, the largest
	 * staleness first.
	 */
	public record Report(int operations, int reads, int writes, List<Stale> staleReads) {

		public Duration largestStaleness() {
			return this.staleReads.isEmpty() ? Duration.ZERO : this.staleReads.getFirst().by();
		}

		@Override
		public String toString() {
			return "%d operations (%d reads, %d acknowledged writes), %d stale reads, largest staleness %.1f ms%s"
				.formatted(this.operations, this.reads, this.writes, this.staleReads.size(),
						largestStaleness().toNanos() / 1e6, this.staleReads.isEmpty() ? ""
								: "; worst: " + this.staleReads.subList(0, Math.min(3, this.staleReads.size())));
		}

	}

	/**
	 * One register's writes in the order they completed, with the largest value written
	 * by then at each step, so that a read finds the newest write before it by binary
	 * search.
	 */
	private static final class Register {

		private final long[] completed;

		private final long[] largestSoFar;

		Register(List<Operation> writes) {
			writes.sort(Comparator.comparingLong(Operation::completed));
			this.completed = new long[writes.size()];
			this.largestSoFar = new long[writes.size()];
			long largest = Long.MIN_VALUE;
			for (int i = 0; i < writes.size(); i++) {
				largest = Math.max(largest, writes.get(i).value());
				this.completed[i] = writes.get(i).completed();
				this.largestSoFar[i] = largest;
			}
		}

		/**
		 * The read's staleness: {@code null} if it returned at least the newest value
		 * written before it was invoked; else how long before it the first newer write
		 * completed.
		 */
		Stale staleness(Operation read) {
			int before = countCompletedBefore(read.invoked());
			if (before == 0 || this.largestSoFar[before - 1] <= read.value()) {
				return null;
			}
			int first = 0;
			while (this.largestSoFar[first] <= read.value()) {
				first++;
			}
			return new Stale(read.register(), read.value(), this.largestSoFar[first],
					Duration.ofNanos(read.invoked() - this.completed[first]));
		}

		/** How many writes completed before this time. */
		private int countCompletedBefore(long time) {
			int low = 0;
			int high = this.completed.length;
			while (low < high) {
				int middle = (low + high) >>> 1;
				if (this.completed[middle] < time) {
					low = middle + 1;
				}
				else {
					high = middle;
				}
			}
			return low;
		}

	}

}
