// varscope-cli: the scriptable front door of the core. One file per subcommand.
#include <cstdio>
#include <string>

#include "app/cli/commands.h"
#include "core/error.h"
#include "core/printable.h"

int main(int argc, char** argv) {
  using namespace vs::cli;
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    std::fputs(usage().c_str(), stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::string shown = vs::printable_message(command);  // the command word is the user's text too
  try {
    Args args(argc - 2, argv + 2);
    return run_command(command, args);
  } catch (const vs::Error& e) {
    std::fprintf(stderr, "varscope-cli %s: error: %s\n", shown.c_str(), vs::printable_message(e.what()).c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "varscope-cli %s: error: out of memory\n", shown.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "varscope-cli %s: error: %s\n", shown.c_str(), vs::printable_message(e.what()).c_str());
    return 2;
  }
}
