#ifndef HOTLINE_ENGINE_DECIDE_H_
#define HOTLINE_ENGINE_DECIDE_H_

// The decide function of the ticket workflow (workflow.md): a command and the
// current state in, the events to append (or the reason to refuse) out.
// Pure: no I/O, no clock; the same inputs always give the same result.
// The whole transition table is in decide.cc.

#include <vector>

#include "absl/status/statusor.h"
#include "engine/directory.h"
#include "hotline/v1/commands.pb.h"
#include "hotline/v1/events.pb.h"
#include "hotline/v1/state.pb.h"

namespace hotline::engine {

struct DecideInput {
  // Must have passed ValidateCommand.
  const hotline::v1::Command* command = nullptr;
  // The ticket's current state; nullptr when no such ticket exists.
  // Ignored by directory commands.
  const hotline::v1::TicketState* ticket = nullptr;
  // For merge: the primary ticket's state, nullptr when it does not exist.
  const hotline::v1::TicketState* primary = nullptr;
  // Units and the policy in force.
  const Directory* directory = nullptr;
};

// The events `command` appends, in order, with every deadline computed from
// the policy in force and recorded in them. Refusals, in the order checked:
//   PERMISSION_DENIED   the actor's role may not issue this command
//   NOT_FOUND           no such ticket (or unit, for update_unit)
//   ALREADY_EXISTS      receive of a taken ticket id; register_unit of a
//                       taken unit id
//   FAILED_PRECONDITION the command is not legal in the ticket's state
//   PERMISSION_DENIED   UNIT_STAFF of a unit other than the lead unit
//   FAILED_PRECONDITION `at` earlier than the ticket's last event
//   then the command's own rules (units exist and are active, extension
//   limits, reopen window, merge primary, a valid policy).
absl::StatusOr<std::vector<hotline::v1::Event>> Decide(const DecideInput& input);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_DECIDE_H_
