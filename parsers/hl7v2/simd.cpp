#include "parsers/hl7v2/simd.h"

namespace ferry::hl7v2 {

namespace {

// GCC's and Clang's CPU check reads CPUID and, for AVX, XGETBV: a CPU with AVX2 under an
// operating system that does not save the YMM registers reports no AVX2.
bool cpuHasAvx2() {
#if FERRY_HL7V2_AVX2
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt");
#else
  return false;
#endif
}

}  // namespace

bool supports(Isa isa) {
  static const bool avx2 = cpuHasAvx2();
  return isa == Isa::Sse2 || avx2;
}

Isa bestIsa() { return supports(Isa::Avx2) ? Isa::Avx2 : Isa::Sse2; }

}  // namespace ferry::hl7v2
