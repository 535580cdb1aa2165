#pragma once

#include "jsonata/Value.h"

#include <map>
#include <string>
#include <vector>

// Runs every case of the JSONata test suite (groups/<group>/<case>.json) against the native engine and
// reports "N passed, M failed, K skipped". Cases listed in the skip file run too, but do not fail the run.
class ConformanceRunner
{
public:
    ConformanceRunner(std::string suiteDir, std::string skipFile);
    // Returns the process exit status: 0 when every case not listed as skipped passed.
    int run(const std::string &filter, bool verbose);

private:
    struct Case
    {
        std::string id;
        std::string dir;
        patchbay::jsonata::Value spec;
    };

    std::vector<Case> collectCases() const;
    bool loadSkipList();
    bool runCase(const Case &c, std::string &detail);
    const patchbay::jsonata::Value *dataset(const std::string &name);
    static bool matches(const patchbay::jsonata::Value &actual, const patchbay::jsonata::Value &expected,
                        bool unordered);

    std::string m_suiteDir;
    std::string m_skipFile;
    std::map<std::string, std::string> m_skipped;
    std::map<std::string, patchbay::jsonata::Value> m_datasets;
};
