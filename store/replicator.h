#ifndef HOTLINE_STORE_REPLICATOR_H_
#define HOTLINE_STORE_REPLICATOR_H_

// Replicator: where a writer's records go before its appends are
// acknowledged — a copy of the log elsewhere (replication/ keeps one in a
// NATS JetStream stream). The store knows only this interface.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace hotline::store {

class EventLog;

class Replicator {
 public:
  virtual ~Replicator() = default;

  // Called once by EventLog::Open (kReadWrite) after the head is loaded and
  // before any append: checks the log against its copy. A non-OK status
  // fails the open with it (e.g. FAILED_PRECONDITION for a store whose tail
  // the copy does not hold, or that the copy has moved past).
  virtual absl::Status Attach(const EventLog& log) = 0;

  // Called by the writer after each group commit's local write, before any
  // of its appends is acknowledged: `records` are the stored values (see
  // record.h) of sequences first_sequence, first_sequence + 1, ... in order.
  // OK: the group's appends are acknowledged. An error fails them and, like
  // a failed local write, every later write of the log until it is reopened
  // (their records are on the local disk; whether the copy holds them is
  // for Attach to find out at the next open). Called by one thread at a
  // time, in sequence order.
  virtual absl::Status Replicate(uint64_t first_sequence,
                                 const std::vector<std::string>& records) = 0;

  // The largest record (a stored value) the copy takes: an append with a
  // larger one is refused with INVALID_ARGUMENT before anything is written.
  virtual size_t MaxRecordBytes() const = 0;
};

}  // namespace hotline::store

#endif  // HOTLINE_STORE_REPLICATOR_H_
