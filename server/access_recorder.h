#ifndef HOTLINE_SERVER_ACCESS_RECORDER_H_
#define HOTLINE_SERVER_ACCESS_RECORDER_H_

// The access log: every read of a ticket's data by a principal becomes a
// TicketDataRead event on the log's `$access` stream (Engine::Execute of a
// record_access command), under the hash chain, exported and verified with
// everything else. A read whose record cannot be written is refused: no
// unrecorded reads.

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "server/principals.h"

namespace hotline::server {

class AccessRecorder {
 public:
  // `engine` must outlive the recorder and be open read-write.
  explicit AccessRecorder(engine::Engine* engine) : engine_(engine) {}

  // Appends that `reader` read `ticket_id` through `what` (e.g. "GetTicket"),
  // at the engine's clock, under a fresh random command id "access:<hex>".
  // The engine's error when the record cannot be written.
  absl::Status Record(const Principal& reader, const std::string& ticket_id,
                      absl::string_view what);

 private:
  engine::Engine* engine_;
};

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_ACCESS_RECORDER_H_
