#include "store/chain_checker.h"

#include "absl/strings/str_cat.h"

namespace hotline::store {

std::optional<std::string> ChainChecker::Next(const Record& record, absl::string_view value) {
  if (record.sequence != records_ + 1) {
    return absl::StrCat("record says sequence ", record.sequence);
  }
  if (record.prev_hash != last_hash_) {
    return "prev_hash does not match the previous record's hash";
  }
  if (!HashMatches(value) || StoredHash(value) != record.hash) {
    return "hash mismatch: the record's bytes were changed";
  }
  uint64_t& version = versions_[record.stream_id];
  if (record.stream_version != version + 1) {
    return absl::StrCat("stream '", record.stream_id, "' version ", record.stream_version,
                        " follows version ", version);
  }
  version = record.stream_version;
  last_hash_ = record.hash;
  ++records_;
  return std::nullopt;
}

}  // namespace hotline::store
