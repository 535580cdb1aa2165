#include "ConformanceRunner.h"

#include <iostream>
#include <string>

int main(int argc, char **argv)
{
    std::string suite = PATCHBAY_JSONATA_SUITE_DEFAULT;
    std::string skipFile = PATCHBAY_JSONATA_SKIPPED_DEFAULT;
    std::string filter;
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--suite" && i + 1 < argc) {
            suite = argv[++i];
        } else if (arg == "--skipped" && i + 1 < argc) {
            skipFile = argv[++i];
        } else if (arg == "--filter" && i + 1 < argc) {
            filter = argv[++i];
        } else if (arg == "--verbose") {
            verbose = true;
        } else {
            std::cerr << "usage: jsonata_conformance [--suite DIR] [--skipped FILE] [--filter TEXT] [--verbose]\n";
            return 2;
        }
    }
    ConformanceRunner runner(suite, skipFile);
    return runner.run(filter, verbose);
}
