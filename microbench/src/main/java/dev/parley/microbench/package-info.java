/**
 * JMH microbenchmarks of the node's hot paths. Build {@code microbench/target/microbench.jar}
 * with {@code ./mvnw -pl microbench -am package -DskipTests} and run it with
 * {@code java -jar microbench/target/microbench.jar [pattern]}; each class says what it measures.
 * The fan-out benchmark sits in {@code dev.parley.server.ws} to reach the connection internals.
 */
package dev.parley.microbench;
