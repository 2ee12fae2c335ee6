#include "store/chain_checker.h"

#include "absl/strings/str_cat.h"
#include "store/keys.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::StatusOr<uint64_t> ChainChecker::LastVersion(const std::string& stream) const {
  if (versions_on_disk_ == nullptr) {
    auto it = versions_.find(stream);
    return it == versions_.end() ? 0 : it->second;
  }
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> stored, versions_on_disk_->Get(stream));
  if (!stored.has_value()) return 0;
  if (stored->size() != 8) return absl::DataLossError("a scratch version is not 8 bytes");
  return DecodeFixed64BE(stored->data());
}

absl::Status ChainChecker::SetLastVersion(const std::string& stream, uint64_t version) {
  if (versions_on_disk_ == nullptr) {
    versions_[stream] = version;
    return absl::OkStatus();
  }
  std::string stored;
  PutFixed64BE(&stored, version);
  return versions_on_disk_->Put(stream, stored);
}

absl::StatusOr<std::optional<std::string>> ChainChecker::Next(const Record& record,
                                                             absl::string_view value) {
  if (record.sequence != records_ + 1) {
    return absl::StrCat("record says sequence ", record.sequence);
  }
  if (record.prev_hash != last_hash_) {
    return "prev_hash does not match the previous record's hash";
  }
  if (!HashMatches(value) || StoredHash(value) != record.hash) {
    return "hash mismatch: the record's bytes were changed";
  }
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t version, LastVersion(record.stream_id));
  if (record.stream_version != version + 1) {
    return absl::StrCat("stream '", record.stream_id, "' version ", record.stream_version,
                        " follows version ", version);
  }
  HOTLINE_RETURN_IF_ERROR(SetLastVersion(record.stream_id, record.stream_version));
  last_hash_ = record.hash;
  ++records_;
  return std::nullopt;
}

}  // namespace hotline::store
