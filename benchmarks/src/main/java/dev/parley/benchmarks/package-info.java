/**
 * JMH microbenchmarks of the node's hot paths. Build {@code benchmarks/target/benchmarks.jar}
 * with {@code ./mvnw -pl benchmarks -am package -DskipTests} and run it with
 * {@code java -jar benchmarks/target/benchmarks.jar [pattern]}; each class says what it measures.
 * The fan-out benchmark sits in {@code dev.parley.server.ws} to reach the connection internals.
 */
package dev.parley.benchmarks;
