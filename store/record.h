#ifndef HOTLINE_STORE_RECORD_H_
#define HOTLINE_STORE_RECORD_H_

// One stored event record and its on-disk format (docs/storage-format.md).
//
// The value of an `events` key is
//
//   body = prev_hash   32 bytes (all zero for sequence 1)
//          sequence     8 bytes big-endian
//          version      8 bytes big-endian (the stream version)
//          id_len       2 bytes big-endian, then the stream id
//          cmd_len      2 bytes big-endian, then the command id
//          payload      the rest of the body (opaque to the store)
//   value = body || hash, hash = SHA-256(body)
//
// Because the body starts with the previous record's hash, hash is
// SHA-256(prev_hash || record): a hash chain over the whole log. The format
// is written by hand rather than by a serializer so that the hashed bytes
// stay the same across library versions.

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace hotline::store {

inline constexpr size_t kHashBytes = 32;

// A decoded record. Hashes are raw 32-byte strings.
struct Record {
  uint64_t sequence = 0;
  std::string stream_id;
  uint64_t stream_version = 0;
  std::string command_id;
  std::string payload;
  std::string prev_hash;
  std::string hash;
};

// Returns the 32 zero bytes that precede the first record.
const std::string& GenesisHash();

// Returns SHA-256 of `data` as 32 raw bytes.
std::string Sha256(absl::string_view data);

// Returns the value to store for a record with these fields: the body and
// its hash. Stream and command ids must be shorter than 64 KiB (the caller
// validates).
std::string EncodeRecord(absl::string_view prev_hash, uint64_t sequence,
                         absl::string_view stream_id, uint64_t stream_version,
                         absl::string_view command_id, absl::string_view payload);

// The hash at the end of a value made by EncodeRecord, and the previous
// record's hash at its start (the value must hold at least 32 bytes).
absl::string_view StoredHash(absl::string_view value);
absl::string_view StoredPrevHash(absl::string_view value);

// Decodes a stored value into `*out`. Returns DATA_LOSS when the value is too
// short or its lengths do not fit. Does not check the hash: see HashMatches.
absl::Status DecodeRecord(absl::string_view value, Record* out);

// True when the last 32 bytes of `value` are SHA-256 of the bytes before them.
bool HashMatches(absl::string_view value);

}  // namespace hotline::store

#endif  // HOTLINE_STORE_RECORD_H_
