/**
 * JVM flags for test brokers on small machines: a capped heap, the serial collector and
 * C1-only JIT cut start-up CPU on 2 cores (drop them for throughput benchmarks).
 */
export function jvmFlags(maxHeap: string): string[] {
  return [`-Xmx${maxHeap}`, '-Xms64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
}
