#include <iostream>

#include "engine/cli/command.h"

namespace ferry::cli {

// Placeholder until the MLLP sender lands.
int sendCommand(const Args&) {
  std::cerr << "ferry: send is not available yet\n";
  return 2;
}

}  // namespace ferry::cli
