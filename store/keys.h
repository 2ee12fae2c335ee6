#ifndef HOTLINE_STORE_KEYS_H_
#define HOTLINE_STORE_KEYS_H_

// The key schema of every column family of the event log (overview.md).
// All integers in keys are fixed-width big-endian so that RocksDB's bytewise
// order is numeric order.

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

namespace hotline::store {

// Column family names. `default` is unused but RocksDB requires it.
inline constexpr char kEventsFamily[] = "events";        // seq BE64 -> record
inline constexpr char kStreamsFamily[] = "streams";      // id 0x00 ver BE64 -> seq BE64
inline constexpr char kCommandsFamily[] = "commands";    // command id -> seq BE64, count BE32
inline constexpr char kStateFamily[] = "state";          // owner's key -> owner's value
inline constexpr char kProjectionsFamily[] = "projections";  // owner's keys
inline constexpr char kMetaFamily[] = "meta";            // fixed keys below
// The owner's secrets (data keys): outside the chain, left out of every
// copy (CreateCheckpoint), forced off the disk by Shred. Stores made before
// it have no such family until opened read-write.
inline constexpr char kSecretsFamily[] = "secrets";      // owner's key -> owner's value

// meta: "format" -> decimal format version; "head" -> seq BE64 || hash (32).
inline constexpr char kMetaFormatKey[] = "format";
inline constexpr char kMetaHeadKey[] = "head";
// meta: "checkpoint/" + projection name -> last applied sequence BE64.
inline constexpr char kMetaCheckpointPrefix[] = "checkpoint/";
inline constexpr char kFormatVersion[] = "1";
// meta: "tree" -> leaves of the Merkle tree stored (BE64), equal to the head
// once the tree is maintained; "tree/" + merkle::NodeKey(level, index) -> the
// 32-byte hash of that perfect subtree (RFC 9162 over the records' hashes),
// for levels from kStoredTreeLevel up: a subtree of fewer leaves is hashed
// from its records when read (at most 2^(kStoredTreeLevel-1) of them), so
// that an append writes one node key per 2^kStoredTreeLevel records, not two
// per record.
inline constexpr char kMetaTreeSizeKey[] = "tree";
inline constexpr char kMetaTreeNodePrefix[] = "tree/";
inline constexpr int kStoredTreeLevel = 4;

// Appends `v` as 8 bytes big-endian.
void PutFixed64BE(std::string* out, uint64_t v);
// Appends `v` as 4 bytes big-endian.
void PutFixed32BE(std::string* out, uint32_t v);
// Reads 8 / 4 bytes big-endian from `p`, which must have that many bytes.
uint64_t DecodeFixed64BE(const char* p);
uint32_t DecodeFixed32BE(const char* p);

// events: the global sequence, 8-byte big-endian.
std::string SequenceKey(uint64_t sequence);

// streams: stream id, one 0x00 byte, stream version 8-byte big-endian. Stream
// ids never contain 0x00, so one stream's keys are contiguous and ordered by
// version.
std::string StreamKey(absl::string_view stream_id, uint64_t version);
// Whether `key` is a streams key of `stream_id` (any version).
bool IsStreamKeyOf(absl::string_view key, absl::string_view stream_id);

// meta: the key of the Merkle tree node (level, index).
std::string TreeNodeKey(int level, uint64_t index);

// commands: the value stored for an applied command id.
std::string CommandValue(uint64_t first_sequence, uint32_t count);

}  // namespace hotline::store

#endif  // HOTLINE_STORE_KEYS_H_
