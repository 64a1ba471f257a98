#ifndef IAMLINT_FUZZ_DRIVER_H
#define IAMLINT_FUZZ_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer's driver on the harness's LLVMFuzzerTestOneInput. SwiftPM links an
/// executable target's entry point under `<Target>_main`; each harness defines that symbol and
/// calls this, so libFuzzer parses the command line and drives the fuzzing loop.
int iamlint_fuzz_main(int argc, char **argv);

#endif
