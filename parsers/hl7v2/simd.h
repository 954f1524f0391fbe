#pragma once
// Which vector instructions the scans over whole messages (the message index, the splitter's
// search for line ends) use. The build targets the x86-64 baseline, where SSE2 is all there is;
// AVX2 compares twice the bytes an instruction and is taken when the CPU running the program
// has it. Both give the same answers; tests run each one on the same inputs.

namespace ferry::hl7v2 {

enum class Isa {
  Sse2,  // 16 bytes a block; every x86-64 CPU (and a plain byte loop elsewhere)
  Avx2,  // 32 bytes a block, with BMI1/BMI2/POPCNT, which every AVX2 CPU has
};

// True when this build holds AVX2 kernels at all (x86-64 with GCC or Clang).
#if defined(__x86_64__) && defined(__GNUC__)
#define FERRY_HL7V2_AVX2 1
#else
#define FERRY_HL7V2_AVX2 0
#endif

// Whether the running CPU (and the operating system, which must save the wider registers) can
// run code for isa. Asked of the CPU once per process.
bool supports(Isa isa);

// The widest Isa supports() accepts: what the scans use unless a caller (a test) chooses.
Isa bestIsa();

}  // namespace ferry::hl7v2
