// Memory figures for the generation benchmarks: what the system can still give, and what
// this process has used at most.
#pragma once

namespace vs::cli {

// MemAvailable from /proc/meminfo in bytes; -1 when unknown (callers then do not refuse).
double mem_available_bytes();
// Peak resident set size of this process so far, MiB.
double peak_rss_mib();

}  // namespace vs::cli
