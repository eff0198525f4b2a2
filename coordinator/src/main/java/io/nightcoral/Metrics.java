package io.nightcoral;

/** Where the queue and the pool report timings; gauges and counters are read from {@link Stats}. */
interface Metrics {
  /** A job's handler ran for {@code nanos} (dispatch to answer). */
  void jobTime(long nanos);

  /** A job waited {@code millis} between falling due and starting. */
  void queueLatency(long millis);

  /** A timer's job started {@code millis} after the timer expired. */
  void timerLatency(long millis);

  /** A worker answered a ping after {@code nanos}. */
  void ping(long nanos);

  /** Takes this instance's meters out of the registry; called once, when the instance closes. */
  void close();

  /** Reports nothing: the default, and the only choice without Micrometer on the class path. */
  Metrics NONE =
      new Metrics() {
        @Override
        public void jobTime(long nanos) {}

        @Override
        public void queueLatency(long millis) {}

        @Override
        public void timerLatency(long millis) {}

        @Override
        public void ping(long nanos) {}

        @Override
        public void close() {}
      };
}
