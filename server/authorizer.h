#ifndef HOTLINE_SERVER_AUTHORIZER_H_
#define HOTLINE_SERVER_AUTHORIZER_H_

// What an authenticated caller may do (docs/service.md): act only as
// itself, read only what its role may read. Transport-free, so that the
// gRPC and Open311 doors decide alike.

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/commands.pb.h"
#include "hotline/v1/events.pb.h"
#include "server/principals.h"

namespace hotline::server {

// The principal whose token `authorization` carries ("Bearer <token>").
// UNAUTHENTICATED when it is empty, not a bearer token, or unknown.
absl::StatusOr<Principal> Authenticate(const Principals& principals,
                                       absl::string_view authorization);

// Makes `principal` the actor of `command`: an empty actor (no id, role or
// unit) is filled in; any other actor must equal it, else PERMISSION_DENIED.
// record_access commands are the service's own: PERMISSION_DENIED.
absl::Status ActAs(const Principal& principal, hotline::v1::Command* command);

// OK for the roles that read the whole log or its statistics (Subscribe,
// Report): ADMIN, SUPERVISOR, DISPATCHER, AUDITOR. PERMISSION_DENIED else.
absl::Status CheckWholeLogReader(const Principal& principal);

// OK when `principal` may read the ticket whose events are `history`:
// every role but UNIT_STAFF, and UNIT_STAFF of a unit the ticket was ever
// dispatched to (lead or assisting, any cycle). PERMISSION_DENIED else.
absl::Status CheckTicketReader(const Principal& principal,
                               const std::vector<hotline::v1::EventEnvelope>& history);

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_AUTHORIZER_H_
