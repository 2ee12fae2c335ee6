#ifndef HOTLINE_TESTS_RAW_ROCKS_H_
#define HOTLINE_TESTS_RAW_ROCKS_H_

// Test helpers that change an event log's files behind the store's back, the
// way an attacker or a failing disk would. The log must be closed.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hotline::testing {

// Flips one bit of byte `offset` of the stored record at `sequence`.
void FlipRecordByte(const std::string& path, uint64_t sequence, size_t offset);

// Deletes the stored record at `sequence` (its index entry stays).
void DeleteRecord(const std::string& path, uint64_t sequence);

// Sets `key` in column family `family` to `value`, or deletes it (nullopt).
void SetValue(const std::string& path, const std::string& family, const std::string& key,
              const std::optional<std::string>& value);

// Deletes every key of column family `family`.
void ClearFamily(const std::string& path, const std::string& family);

// The keys of column family `family` that begin with `prefix`, in order.
std::vector<std::string> KeysWithPrefix(const std::string& path, const std::string& family,
                                        const std::string& prefix);

// Calls `change(value)` on the value of `key` in column family `family`.
void ChangeValue(const std::string& path, const std::string& family, const std::string& key,
                 const std::function<void(std::string*)>& change);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_RAW_ROCKS_H_
