/*
 * The machine's float32 peak, measured: each thread runs 12 independent chains of
 * 8-wide fused multiply-adds (AVX2 + FMA) in registers, enough to keep both FMA
 * pipes of a core busy past their latency. GFLOP/s = threads · iterations · 12 · 8 · 2
 * / seconds. bench/run.mjs compiles it with the system C compiler (`cc -O2 -mavx2
 * -mfma -pthread`) and runs it with one thread per core; without a compiler or AVX2
 * the bench says so and uses TensorFlow's large-matmul probe alone.
 *
 *   ./fma-peak THREADS ITERATIONS   ->  {"threads":2,"seconds":…,"cpuSeconds":…,"gflops":…,"gflopsPerCore":…}
 *
 * `gflops` is over the wall clock; `gflopsPerCore` over the CPU time the threads got, i.e.
 * what one core does while it runs them: × cores, the machine's peak when nothing else runs.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static long iterations;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *chains(void *out) {
  __m256 a[12];
  const __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps((float)i);
  for (long it = 0; it < iterations; it++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
  }
  float sum = 0, lane[8];
  for (int i = 0; i < 12; i++) {
    _mm256_storeu_ps(lane, a[i]);
    sum += lane[0];
  }
  *(float *)out = sum; /* used, so the loop is not optimized away */
  return 0;
}

/* CPU seconds of the process (all threads): on a shared machine the wall clock also counts the
   time other processes held the cores; per CPU-second is what a core does when it is ours. */
static double cpu_seconds(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec * 1e-6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  iterations = argc > 2 ? atol(argv[2]) : 100000000L;
  if (threads < 1 || threads > 256 || iterations < 1) return 2;
  pthread_t th[256];
  float out[256];
  double t0 = now(), c0 = cpu_seconds();
  for (int i = 0; i < threads; i++) pthread_create(&th[i], 0, chains, &out[i]);
  for (int i = 0; i < threads; i++) pthread_join(th[i], 0);
  double seconds = now() - t0, cpu = cpu_seconds() - c0;
  double flops = (double)threads * iterations * 12 * 8 * 2;
  printf("{\"threads\":%d,\"seconds\":%.4f,\"cpuSeconds\":%.4f,\"gflops\":%.2f,\"gflopsPerCore\":%.2f,\"check\":%g}\n", threads, seconds, cpu,
         flops / seconds / 1e9, flops / cpu / 1e9, out[0]);
  return 0;
}
