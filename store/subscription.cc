#include "store/subscription.h"

#include "store/event_log.h"
#include "store/status_macros.h"

namespace hotline::store {
namespace {
// Records read per trip to RocksDB while catching up.
constexpr uint64_t kReadAhead = 256;
}  // namespace

absl::StatusOr<Record> Subscription::Next(absl::Duration timeout) {
  if (log_->options().mode != OpenMode::kReadWrite) {
    return absl::FailedPreconditionError(
        "subscriptions follow a log opened kReadWrite; use Scan and CatchUp "
        "elsewhere");
  }
  if (buffered_.empty()) {
    HOTLINE_RETURN_IF_ERROR(log_->WaitForSequence(position_ + 1, timeout));
    HOTLINE_RETURN_IF_ERROR(log_->Scan(
        position_ + 1, position_ + kReadAhead, [this](const Record& r) {
          buffered_.push_back(r);
          return absl::OkStatus();
        }));
    if (buffered_.empty()) {
      return absl::DataLossError("a committed record could not be read");
    }
  }
  Record next = std::move(buffered_.front());
  buffered_.pop_front();
  position_ = next.sequence;
  return next;
}

}  // namespace hotline::store
