#ifndef HOTLINE_STORE_SUBSCRIPTION_H_
#define HOTLINE_STORE_SUBSCRIPTION_H_

#include <cstdint>
#include <deque>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/record.h"

namespace hotline::store {

class EventLog;

// Follows the log from a position: first the records already committed
// (catch-up), then each new append once it has committed (tail). Made by
// EventLog::Subscribe; must be destroyed before its EventLog.
//
// Thread safety: one thread at a time per Subscription; any number of
// subscriptions may run beside the writer.
class Subscription {
 public:
  // Returns the record after the last one returned, waiting up to `timeout`
  // for it to be committed. Errors: DEADLINE_EXCEEDED when none arrived in
  // time (call again), CANCELLED when the log is closing,
  // FAILED_PRECONDITION on a log not opened kReadWrite, DATA_LOSS/I/O errors
  // from reading.
  absl::StatusOr<Record> Next(absl::Duration timeout);

  // The sequence of the last record returned (or the starting position).
  uint64_t position() const { return position_; }

 private:
  friend class EventLog;
  Subscription(EventLog* log, uint64_t after_sequence)
      : log_(log), position_(after_sequence) {}

  EventLog* log_;
  uint64_t position_;
  std::deque<Record> buffered_;  // read ahead, not yet returned
};

}  // namespace hotline::store

#endif  // HOTLINE_STORE_SUBSCRIPTION_H_
