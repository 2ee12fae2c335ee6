#ifndef HOTLINE_ENGINE_AUDIT_PROOF_H_
#define HOTLINE_ENGINE_AUDIT_PROOF_H_

// What an auditor holds instead of the store (docs/audit.md): a ticket's
// events with their inclusion proofs, and consistency proofs between two
// tree sizes, as JSON documents; and their checks against a signed
// checkpoint's tree head, which need no store at all.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "store/signed_note.h"

namespace hotline::engine {

// Bounds of a proof document read back (it is hostile input).
inline constexpr size_t kMaxProofBytes = 64 << 20;

// The tree head of `log` at `size` records (the head when nullopt) under
// `origin`. INVALID_ARGUMENT past the head; store::TreeRoot's errors.
absl::StatusOr<store::TreeHead> TreeHeadAt(const store::EventLog& log, const std::string& origin,
                                           std::optional<uint64_t> size);

// "hotline/" and the first 16 hex digits of record 1's chain hash: the
// default origin of the log's checkpoints. It names the log by its own
// content, so every copy (backup, export and import, replica) has the same
// one. FAILED_PRECONDITION for an empty log.
absl::StatusOr<std::string> DefaultOrigin(const store::EventLog& log);

// The signed checkpoint (a C2SP note) of `log` at `size` records (the head
// when nullopt) under `origin` (DefaultOrigin when nullopt).
absl::StatusOr<std::string> SignedCheckpoint(const store::EventLog& log,
                                             const store::SignerKey& key,
                                             std::optional<std::string> origin,
                                             std::optional<uint64_t> size);

// `hotline prove --ticket`: {"treeSize", "rootHash", "events": [{"sequence",
// "leafIndex", "event" (the export jsonl line), "inclusionProof"}]} for
// every event of the ticket at or below `size`. NOT_FOUND for an unknown
// ticket (or none of its events in the tree); store::InclusionProof's errors.
absl::StatusOr<std::string> TicketProofJson(const Engine& engine, const std::string& ticket_id,
                                            uint64_t size);

// `hotline prove --from`: {"fromSize", "treeSize", "consistencyProof"}.
absl::StatusOr<std::string> ConsistencyProofJson(const store::EventLog& log, uint64_t from_size,
                                                 uint64_t size);

// Checks a TicketProofJson document against `head` (from a checkpoint whose
// signature was checked): its size and root are the head's, its events are
// versions 1, 2, ... k of one ticket's stream (none left out before the last
// it shows: that the ticket has no event after it in the tree, no inclusion
// proof can show), and every event's chain hash, recomputed from the event
// as exported, is a leaf of that tree by its inclusion proof. OK, or INVALID_ARGUMENT for a document
// that does not parse, or PERMISSION_DENIED saying which part failed.
absl::Status CheckTicketProof(const store::TreeHead& head, absl::string_view json);

// Checks a ConsistencyProofJson document: the tree of `old_head` is a
// prefix of the tree of `head` (same origin). Errors as CheckTicketProof.
absl::Status CheckConsistencyProof(const store::TreeHead& old_head, const store::TreeHead& head,
                                   absl::string_view json);

// Checks an export file (jsonl or binary) against `head`: it holds at least
// head.size events, and the tree of their hashes — each recomputed from
// the event — has head's root. Reads the file once; nothing is written.
// PERMISSION_DENIED when the roots differ (a forged, rehashed log),
// DATA_LOSS for a file that does not read.
absl::Status CheckExportAgainst(const std::string& path, bool binary,
                                const store::TreeHead& head);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_AUDIT_PROOF_H_
