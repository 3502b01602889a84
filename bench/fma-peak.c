/*
 * The machine's float32 peak, measured with the widest vector unit the CPU has: each thread runs
 * 12 independent chains of fused multiply-adds in registers, enough to keep every FMA pipe of a
 * core busy past its latency, 16 lanes wide with AVX-512 (where the CPU lists `avx512f`), else 8
 * with AVX2 and FMA. GFLOP/s = threads · iterations · 12 · lanes · 2 / seconds. The unit is chosen
 * when it runs (each loop is compiled for its own unit), so one binary measures what this CPU
 * has; bench/run.mjs compiles it with the system C compiler (`cc -O2 -pthread`) and runs it with
 * one thread per core. Some CPUs (AMD Zen 4) run a 512-bit FMA as two 256-bit halves, so AVX-512
 * need not raise the peak: the optional third argument forces a unit, to compare.
 *
 *   ./fma-peak THREADS ITERATIONS [avx512f|avx2]
 *     ->  {"isa":"avx512f","lanes":16,"threads":2,"seconds":…,"cpuSeconds":…,"gflops":…,"gflopsPerCore":…}
 *
 * `gflops` is over the wall clock; `gflopsPerCore` over the CPU time the threads got, i.e.
 * what one core does while it runs them: × cores, the machine's peak when nothing else runs.
 * Exit status 3 (and a message on stderr) where the CPU has neither unit or lacks the one forced.
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define CHAINS 12

static long iterations;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx512f"))) static void *chains512(void *out) {
  __m512 a[CHAINS];
  const __m512 b = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm512_set1_ps((float)i);
  for (long it = 0; it < iterations; it++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm512_fmadd_ps(a[i], b, c);
  }
  float sum = 0, lane[16];
  for (int i = 0; i < CHAINS; i++) {
    _mm512_storeu_ps(lane, a[i]);
    sum += lane[0];
  }
  *(float *)out = sum; /* used, so the loop is not optimized away */
  return 0;
}

__attribute__((target("avx2,fma"))) static void *chains256(void *out) {
  __m256 a[CHAINS];
  const __m256 b = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < CHAINS; i++) a[i] = _mm256_set1_ps((float)i);
  for (long it = 0; it < iterations; it++) {
#pragma GCC unroll 12
    for (int i = 0; i < CHAINS; i++) a[i] = _mm256_fmadd_ps(a[i], b, c);
  }
  float sum = 0, lane[8];
  for (int i = 0; i < CHAINS; i++) {
    _mm256_storeu_ps(lane, a[i]);
    sum += lane[0];
  }
  *(float *)out = sum;
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
  const char *want = argc > 3 ? argv[3] : 0;
  if (threads < 1 || threads > 256 || iterations < 1) return 2;
  __builtin_cpu_init();
  int has512 = __builtin_cpu_supports("avx512f"), has256 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const char *isa = want ? want : has512 ? "avx512f" : "avx2";
  if (strcmp(isa, "avx512f") != 0 && strcmp(isa, "avx2") != 0) return 2;
  int wide = strcmp(isa, "avx512f") == 0, lanes = wide ? 16 : 8;
  if (wide ? !has512 : !has256) {
    fprintf(stderr, "this CPU lacks %s%s\n", isa, wide ? "" : " with FMA");
    return 3;
  }
  void *(*body)(void *) = wide ? chains512 : chains256;
  pthread_t th[256];
  float out[256];
  double t0 = now(), c0 = cpu_seconds();
  for (int i = 0; i < threads; i++) pthread_create(&th[i], 0, body, &out[i]);
  for (int i = 0; i < threads; i++) pthread_join(th[i], 0);
  double seconds = now() - t0, cpu = cpu_seconds() - c0;
  double flops = (double)threads * iterations * CHAINS * lanes * 2;
  printf("{\"isa\":\"%s\",\"lanes\":%d,\"threads\":%d,\"seconds\":%.4f,\"cpuSeconds\":%.4f,\"gflops\":%.2f,\"gflopsPerCore\":%.2f,\"check\":%g}\n", isa, lanes, threads,
         seconds, cpu, flops / seconds / 1e9, flops / cpu / 1e9, out[0]);
  return 0;
}
