"""The benchmark's side of the site: endpoints mounted under /bench/ when BENCH_ENDPOINTS is on."""
