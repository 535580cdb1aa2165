#pragma once

#include <cstddef>
#include <vector>

namespace patchbay::jsonata {

// The reference sorts with a top-down merge sort (the left half is the first floor(n/2) items) and asks its
// comparator "must a come after b?" for the heads of the two halves being merged. Sorting the same way asks
// the same questions in the same order, so a comparator that fails (T2007, T2008, a user function's error)
// fails for the same input, and a comparator that is not a consistent order gives the same result.
template <typename T, typename MustFollow> void referenceMergeSort(std::vector<T> &items, MustFollow mustFollow)
{
    std::vector<T> merged;
    merged.reserve(items.size());
    auto sortRange = [&](auto &self, std::size_t begin, std::size_t end) -> void {
        if (end - begin <= 1)
            return;
        const std::size_t middle = begin + (end - begin) / 2;
        self(self, begin, middle);
        self(self, middle, end);
        merged.clear();
        std::size_t left = begin;
        std::size_t right = middle;
        while (left < middle && right < end) {
            if (mustFollow(items[left], items[right]))
                merged.push_back(items[right++]);
            else
                merged.push_back(items[left++]);
        }
        while (left < middle)
            merged.push_back(items[left++]);
        while (right < end)
            merged.push_back(items[right++]);
        for (std::size_t i = 0; i < merged.size(); ++i)
            items[begin + i] = merged[i];
    };
    sortRange(sortRange, 0, items.size());
}

} // namespace patchbay::jsonata
